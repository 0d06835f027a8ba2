"""One fold of `crossfold evaluate --model command`, read the way the contract describes it
(docs/COMMAND-LEARNER.md): the fold's manifest (fold.json), the training labels, and the training
and test rows, either copied as NPY matrices or read in place from the dataset's .cfds file
(docs/CANONICAL-FORMAT.md: a 64-byte header, then the float32 feature matrix, row-major).

    from crossfold_fold import Fold
    fold = Fold()                      # fold.json from argv[1] or $CROSSFOLD_FOLD_JSON
    x, y = fold.train_features(), fold.train_classes()
    ...
    fold.write_scores(fold.scores_for(model.predict_proba(fold.test_features()), model.classes_))
    # or, for a scikit-learn classifier: fold.fit_and_write(model)

Needs numpy only (fit_and_write: scikit-learn). Copy it beside your program on every worker host.
"""
import json
import os
import struct
import sys

import numpy as np

CFDS_MAGIC = b"\x89CFD\r\n\x1a\n"


def read_cfds_rows(path, rows):
    """The float32 feature rows `rows` (int64 indices) of the .cfds file at `path`, read in place."""
    with open(path, "rb") as f:
        header = f.read(64)
    if header[:8] != CFDS_MAGIC:
        raise ValueError(f"{path} is not a crossfold .cfds file")
    version, _flags, n, d = struct.unpack_from("<IIQQ", header, 8)
    if version != 1:
        raise ValueError(f"{path} is .cfds version {version}; this reader knows version 1")
    matrix = np.memmap(path, dtype="<f4", mode="r", offset=64, shape=(n, d))
    return np.asarray(matrix[rows], dtype=np.float32)


class Fold:
    """The files of one fold, named by its fold.json."""

    def __init__(self, manifest=None):
        manifest = manifest or (sys.argv[1] if len(sys.argv) > 1 else os.environ["CROSSFOLD_FOLD_JSON"])
        with open(manifest) as f:
            self.manifest = json.load(f)
        if self.manifest["contract"] != 1:
            raise SystemExit(f"fold.json contract {self.manifest['contract']}; this reader knows contract 1")
        self.fold = self.manifest["fold"]
        self.repeat = self.manifest["repeat"]
        self.seed = self.manifest["seed"]
        self.concepts = self.manifest["concepts"]
        self.multi_label = self.manifest["multi_label"]
        self.threads = self.manifest["threads"]
        # uint8 n_train x C: 1 where a training row is positive for the concept.
        self.train_labels = np.load(self.manifest["train_labels"])

    def _rows(self, part):
        copied = self.manifest.get(f"{part}_features")
        if copied:
            return np.load(copied)
        return read_cfds_rows(self.manifest[f"{part}_dataset"], np.load(self.manifest[f"{part}_rows"]))

    def train_features(self):
        """float32 n_train x D."""
        return self._rows("train")

    def test_features(self):
        """float32 n_test x D."""
        return self._rows("test")

    def train_classes(self):
        """For exclusive concepts (one per row): each training row's concept index."""
        if self.multi_label:
            raise ValueError("multi-label data has no single class per row; use train_labels")
        return self.train_labels.argmax(axis=1)

    def scores_for(self, probabilities, classes):
        """An n_test x C matrix from a classifier's predict_proba over `classes` (concept indices
        seen in training); concepts absent from the training rows score 0."""
        scores = np.zeros((len(probabilities), len(self.concepts)), dtype=np.float32)
        scores[:, np.asarray(classes, dtype=np.int64)] = probabilities
        return scores

    def fit_and_write(self, model):
        """Fits a scikit-learn classifier with predict_proba on the training rows (one model per
        concept for multi-label data) and writes its scores for the test rows."""
        if self.multi_label:
            from sklearn.multiclass import OneVsRestClassifier

            fitted = OneVsRestClassifier(model).fit(self.train_features(), self.train_labels)
            self.write_scores(fitted.predict_proba(self.test_features()))
        else:
            fitted = model.fit(self.train_features(), self.train_classes())
            self.write_scores(self.scores_for(fitted.predict_proba(self.test_features()), fitted.classes_))

    def write_scores(self, scores):
        """Writes the n_test x C float32 scores where crossfold reads them."""
        scores = np.ascontiguousarray(scores, dtype=np.float32)  # crossfold reads C order
        expected = (self.manifest["test_count"], len(self.concepts))
        if scores.shape != expected:
            raise ValueError(f"scores have shape {scores.shape}; the fold needs {expected}")
        np.save(self.manifest["output"], scores)
