#!/usr/bin/env python3
"""scikit-learn's side of docs/benchmarks/compute.sh: the same learner, the same data (a .cfds
file) and the same folds (the fold column of a crossfold --predictions CSV), timed around the
cross validation alone (the data already in memory), with the mean over folds of the macro ROC AUC
computed the way crossfold computes it.

Usage: python3 docs/benchmarks/sklearn_cv.py MODEL DATASET.cfds PREDICTIONS.csv [JOBS]
MODEL: softmax, logistic, knn, centroid or naive-bayes (crossfold's defaults).
Run numpy with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset: they select a slower kernel for it.
"""
import sys
import time

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import PredefinedSplit, cross_val_predict
from sklearn.multiclass import OneVsRestClassifier
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier, NearestCentroid

from cfds import load

MODELS = {
    "softmax": lambda: LogisticRegression(max_iter=200),
    "logistic": lambda: OneVsRestClassifier(LogisticRegression(max_iter=200)),
    "knn": lambda: KNeighborsClassifier(n_neighbors=10, metric="cosine", algorithm="brute"),
    # scikit-learn's nearest centroid is Euclidean; crossfold's is cosine: the same work per row.
    "centroid": lambda: NearestCentroid(),
    "naive-bayes": lambda: GaussianNB(),
}


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in MODELS:
        sys.exit(f"usage: sklearn_cv.py {{{','.join(MODELS)}}} DATASET.cfds PREDICTIONS.csv [JOBS]")
    model, dataset, predictions = sys.argv[1:4]
    jobs = int(sys.argv[4]) if len(sys.argv) > 4 else 2
    x, y, concepts, _ = load(dataset)
    labels = y.argmax(axis=1)
    folds = np.loadtxt(predictions, delimiter=",", skiprows=1, usecols=1, dtype=np.int64)
    start = time.perf_counter()
    scores = cross_val_predict(
        MODELS[model](), x, labels, cv=PredefinedSplit(folds), n_jobs=jobs, method="predict_proba")
    seconds = time.perf_counter() - start
    per_fold = [
        np.mean([roc_auc_score(y[folds == k, c], scores[folds == k, c]) for c in range(len(concepts))])
        for k in np.unique(folds)
    ]
    print(f"sklearn {model} {seconds:.3f} {np.mean(per_fold):.4f}")


if __name__ == "__main__":
    main()
