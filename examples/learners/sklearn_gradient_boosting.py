#!/usr/bin/env python3
"""scikit-learn's histogram gradient boosting as a crossfold learner (--model command), seeded with
the job's --seed; one model per concept for multi-label data.

crossfold evaluate examples/digits.csv --model command --param program=examples/learners/sklearn_gradient_boosting.py
"""
from sklearn.ensemble import HistGradientBoostingClassifier

from crossfold_fold import Fold

fold = Fold()
fold.fit_and_write(HistGradientBoostingClassifier(max_iter=100, random_state=fold.seed))
