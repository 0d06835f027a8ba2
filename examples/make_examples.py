#!/usr/bin/env python3
"""Regenerate crossfold's example datasets from data bundled with scikit-learn.

Every file here holds real measurements, not random numbers:
  digits.csv             scikit-learn's 8x8 handwritten digits (1,797 x 64, 10 exclusive concepts)
  digits-attributes.csv  the same images with multi-label attributes of the digit shown
                         (even, prime, loop, greater-than-4; a digit may have none or several)
  iris.jsonl             Fisher's iris measurements as Clarifai input objects (150 x 4, 3 concepts)

Usage: python3 examples/make_examples.py [OUTPUT_DIR]   (needs scikit-learn)
"""
import csv
import json
import os
import sys

from sklearn.datasets import load_digits, load_iris

ATTRIBUTES = {
    "even": {0, 2, 4, 6, 8},
    "prime": {2, 3, 5, 7},
    "loop": {0, 6, 8, 9},
    "greater-than-4": {5, 6, 7, 8, 9},
}


def feature_names(count):
    return [f"px{i}" for i in range(count)]


def write_digits(out):
    digits = load_digits()
    with open(os.path.join(out, "digits.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "label"] + feature_names(digits.data.shape[1]))
        for i, (row, target) in enumerate(zip(digits.data, digits.target)):
            w.writerow([f"digit-{i:04d}", str(target)] + [str(int(v)) for v in row])
    with open(os.path.join(out, "digits-attributes.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "labels"] + feature_names(digits.data.shape[1]))
        for i, (row, target) in enumerate(zip(digits.data, digits.target)):
            labels = "|".join(name for name, members in ATTRIBUTES.items() if target in members)
            w.writerow([f"digit-{i:04d}", labels] + [str(int(v)) for v in row])


def write_iris(out):
    iris = load_iris()
    with open(os.path.join(out, "iris.jsonl"), "w") as f:
        for i, (row, target) in enumerate(zip(iris.data, iris.target)):
            concept = str(iris.target_names[target])
            record = {
                "id": f"iris-{i:03d}",
                "data": {
                    "concepts": [{"id": concept, "name": concept, "value": 1}],
                    "embeddings": [{"vector": [float(v) for v in row], "num_dimensions": len(row)}],
                },
            }
            f.write(json.dumps(record, separators=(",", ":")) + "\n")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
    write_digits(out)
    write_iris(out)


if __name__ == "__main__":
    main()
