#!/usr/bin/env python3
"""scikit-learn's side of docs/PERFORMANCE.md: cross_val_predict with LogisticRegression, n_jobs=2,
on the same .cfds dataset and the same folds as a crossfold run (the fold column of its
--predictions CSV), timing the cross validation and reporting the mean over folds of the macro
ROC AUC.

Usage: python3 docs/benchmarks/sklearn_logistic.py DATASET.cfds PREDICTIONS.csv [max_iter]
"""
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import PredefinedSplit, cross_val_predict

from cfds import load


def main():
    dataset, predictions = sys.argv[1], sys.argv[2]
    max_iter = int(sys.argv[3]) if len(sys.argv) > 3 else 200
    x, y, concepts, _ = load(dataset)
    labels = y.argmax(axis=1)
    folds = np.loadtxt(predictions, delimiter=",", skiprows=1, usecols=1, dtype=np.int64)
    start = time.perf_counter()
    scores = cross_val_predict(
        LogisticRegression(max_iter=max_iter), x, labels, cv=PredefinedSplit(folds), n_jobs=2,
        method="predict_proba")
    seconds = time.perf_counter() - start
    per_fold = [
        np.mean([roc_auc_score(y[folds == k, c], scores[folds == k, c]) for c in range(len(concepts))])
        for k in np.unique(folds)
    ]
    print(f"scikit-learn cross_val_predict LogisticRegression(max_iter={max_iter}) n_jobs=2: "
          f"{seconds:.2f} s, macro ROC AUC {np.mean(per_fold):.4f}")


if __name__ == "__main__":
    main()
