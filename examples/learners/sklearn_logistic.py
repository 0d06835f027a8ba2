#!/usr/bin/env python3
"""scikit-learn's logistic regression as a crossfold learner (--model command); one-vs-rest for
multi-label data.

crossfold evaluate examples/digits.csv --model command --param program=examples/learners/sklearn_logistic.py
"""
from sklearn.linear_model import LogisticRegression

from crossfold_fold import Fold

fold = Fold()
fold.fit_and_write(LogisticRegression(max_iter=1000, random_state=fold.seed))
