#!/usr/bin/env bash
# The compute figures of docs/PERFORMANCE.md: each learner's whole `crossfold evaluate` (embedded
# cluster, 2 workers) against scikit-learn's cross validation alone (cross_val_predict, n_jobs=2)
# on the same data and the same folds, side by side in one run, with the ratio, both macro ROC
# AUCs and, where one applies, the limit the target is measured against.
# Usage: docs/benchmarks/compute.sh [CROSSFOLD_BINARY] [SIZE] [LEARNERS]
#   SIZE: full (default) or tiny (CI); LEARNERS: the rows to run, comma-separated (default: all,
#   softmax,logistic,knn,centroid,naive-bayes)
#   (a release build: swift build -c release; needs numpy and scikit-learn, .ci/requirements.txt)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
crossfold=$(realpath "${1:-.build/release/crossfold}")
size=${2:-full}
learners=",${3:-softmax,logistic,knn,centroid,naive-bayes},"
for learner in ${learners//,/ }; do
    case "$learner" in
        softmax|logistic|knn|centroid|naive-bayes) ;;
        *) echo "compute.sh: unknown learner '$learner' (softmax, logistic, knn, centroid, naive-bayes)" >&2; exit 64 ;;
    esac
done
runs() { [[ $learners == *",$1,"* ]]; }
case "$size" in
    full) big=1000000 knn=100000 ;;
    tiny) big=3000 knn=2000 ;;
    *) echo "compute.sh: SIZE is full or tiny, not '$size'" >&2; exit 64 ;;
esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# numpy runs on its best kernel only without these (they select a slower one for it); crossfold's
# Debian OpenBLAS keeps them.
sklearn() { env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 "$here/sklearn_cv.py" "$@"; }

row() { # MODEL DATASET TARGET [crossfold args...]: prints one comparison line, sets $cpu, $folds_sum and $fold_max
    local model=$1 data=$2 target=$3
    shift 3
    local whole auc
    python3 "$here/timed.py" time.txt "$crossfold" evaluate "$data" --model "$model" --folds 5 --seed 7 \
        --local-workers 2 --json r.json "$@" 2>>crossfold.log
    read -r whole cpu < time.txt
    # The folds for scikit-learn, from a second run (untimed: writing 1M rows of predictions as CSV
    # takes about 2 s, and a user who does not ask for them does not pay it).
    "$crossfold" evaluate "$data" --model "$model" --folds 5 --seed 7 --local-workers 2 \
        --predictions p.csv "$@" >/dev/null 2>>crossfold.log
    read -r auc folds_sum fold_max < <(python3 -c "import json, sys
d = json.load(open(sys.argv[1]))
f = [x['seconds'] for x in d['extended_metrics']['user_metrics']['crossfold']['folds']]
print(d['summary']['macro_avg_roc_auc'], sum(f), max(f))" r.json)
    read -r _ _ peer peer_auc < <(sklearn "$model" "$data" p.csv 2)
    awk -v m="$model" -v c="$whole" -v s="$peer" -v a="$auc" -v b="$peer_auc" -v t="$target" 'BEGIN {
        printf "%-12s crossfold %7.2f s  scikit-learn %7.2f s  ratio %.2f%s  AUC %.4f / %.4f (diff %+.4f)\n",
            m, c, s, c / s, t, a, b, a - b }'
}

echo "== $size: 5 folds, seed 7, crossfold 2 local workers, scikit-learn n_jobs=2"
"$crossfold" dataset synth --rows "$big" --features 128 --concepts 10 --seed 1 -o big.cfds >/dev/null
if runs knn; then
    "$crossfold" dataset synth --rows "$knn" --features 128 --concepts 10 --seed 1 -o knn.cfds >/dev/null
fi
if runs softmax; then row softmax big.cfds " (target <= 0.20)"; fi
if runs logistic; then row logistic big.cfds ""; fi
if runs knn; then
    row knn knn.cfds " (target <= 0.20)"
    rate=$(python3 "$here/sgemm_rate.py")
    # The whole command's CPU time (reading, folds, metrics) over the two cores: a fold's own seconds
    # include waiting for the pairs another fold is computing (NeighbourPairs), so they do not add up.
    awk -v n="$knn" -v rate="$rate" -v c="$cpu" 'BEGIN {
        flops = 2 * n * n * 0.8 * 128
        printf "             knn per-fold brute-force limit: %.2f TFLOP at %.0f GFLOP/s (sgemm, both cores) = %.2f s; the whole command took %.2f s of CPU, %.2f s on each core (%.2fx the limit, target <= 1.0)\n",
            flops / 1e12, rate, flops / rate / 1e9, c, c / 2, c / 2 / (flops / rate / 1e9) }'
fi
for model in centroid naive-bayes; do
    runs "$model" || continue
    row "$model" big.cfds ""
    awk -v m="$model" -v s="$folds_sum" -v one="$fold_max" 'BEGIN {
        printf "             %s: all 5 fold tasks %.2f s (fits and predictions), the slowest %.2f s: %.2fx; the fits alone are counted with perf (docs/PERFORMANCE.md)\n", m, s, one, s / one }'
done
