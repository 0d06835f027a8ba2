#!/usr/bin/env python3
"""scikit-learn's logistic regression as a crossfold learner (--model command).

crossfold evaluate examples/digits.csv --model command --param program=examples/learners/sklearn_logistic.py
"""
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from crossfold_fold import Fold

fold = Fold()
model = LogisticRegression(max_iter=1000, random_state=fold.seed)
if fold.multi_label:
    model = OneVsRestClassifier(model).fit(fold.train_features(), fold.train_labels)
    fold.write_scores(model.predict_proba(fold.test_features()))
else:
    model.fit(fold.train_features(), fold.train_classes())
    fold.write_scores(fold.scores_for(model.predict_proba(fold.test_features()), model.classes_))
