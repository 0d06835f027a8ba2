#!/usr/bin/env python3
"""scikit-learn's histogram gradient boosting as a crossfold learner (--model command), one model
for exclusive concepts, one per concept for multi-label data.

crossfold evaluate examples/digits.csv --model command --param program=examples/learners/sklearn_gradient_boosting.py
"""
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.multiclass import OneVsRestClassifier

from crossfold_fold import Fold

fold = Fold()
model = HistGradientBoostingClassifier(max_iter=100, random_state=fold.seed)
if fold.multi_label:
    model = OneVsRestClassifier(model).fit(fold.train_features(), fold.train_labels)
    fold.write_scores(model.predict_proba(fold.test_features()))
else:
    model.fit(fold.train_features(), fold.train_classes())
    fold.write_scores(fold.scores_for(model.predict_proba(fold.test_features()), model.classes_))
