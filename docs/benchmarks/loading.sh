#!/usr/bin/env bash
# The "Loading datasets" figures of docs/PERFORMANCE.md: one synthetic dataset written as CSV,
# JSONL (Clarifai inputs), NPY + labels and the canonical .cfds, each read by `crossfold dataset
# inspect` (read, validate, SHA-256 of the canonical form), best wall time of 3; all four must
# print the same hash.
# Usage: docs/benchmarks/loading.sh [CROSSFOLD_BINARY]   (a release build; needs python3 and numpy)
set -euo pipefail
crossfold=$(realpath "${1:-.build/release/crossfold}")
benchmarks=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$crossfold" dataset synth --rows 200000 --features 128 --concepts 10 --spread 3 --seed 1 -o synth.cfds >/dev/null
PYTHONPATH=$benchmarks python3 - <<'PY'
import io
import numpy as np
from cfds import load
x, y, concepts, ids = load("synth.cfds")
labels = [concepts[i] for i in y.argmax(axis=1)]
np.save("synth.npy", x)
with open("synth.labels.txt", "w") as f:
    f.write("\n".join(labels) + "\n")
with open("synth.ids.txt", "w") as f:
    f.write("\n".join(ids) + "\n")
with open("synth.csv", "w") as csv, open("synth.jsonl", "w") as jsonl:
    csv.write("id,label," + ",".join(f"f{j}" for j in range(x.shape[1])) + "\n")
    for start in range(0, len(x), 10000):
        text = io.StringIO()
        np.savetxt(text, x[start:start + 10000], fmt="%.9g", delimiter=",")
        for k, features in enumerate(text.getvalue().splitlines()):
            i = start + k
            csv.write(f"{ids[i]},{labels[i]},{features}\n")
            jsonl.write(f'{{"id":"{ids[i]}","data":{{"concepts":[{{"id":"{labels[i]}","value":1}}],'
                        f'"embeddings":[{{"vector":[{features}]}}]}}}}\n')
PY
for file in synth.csv synth.jsonl synth.npy synth.cfds; do
    best=
    for _ in 1 2 3; do
        started=$(date +%s.%N)
        "$crossfold" dataset inspect "$file" >inspect.txt
        ended=$(date +%s.%N)
        best=$(awk -v s="$started" -v e="$ended" -v b="$best" 'BEGIN { t = e - s; if (b == "" || t < b) b = t; printf "%.2f", b }')
    done
    printf '%-12s %6s MB  inspect %s s (best of 3)  %s\n' "$file" "$(($(stat -c %s "$file") / 1000000))" "$best" \
        "$(awk '$1 == "sha256" {print substr($2, 1, 16)}' inspect.txt)"
done
