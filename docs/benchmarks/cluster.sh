#!/usr/bin/env bash
# The cluster figures of docs/PERFORMANCE.md, on loopback: trivial-task dispatch rate and per-task
# overhead through the coordinator, dataset shipping rate coordinator -> worker, and peak memory
# of the coordinator and a worker against the dataset's size.
# Usage: docs/benchmarks/cluster.sh [CROSSFOLD_BINARY]   (a release build: swift build -c release)
set -euo pipefail
crossfold=${1:-.build/release/crossfold}
crossfold=$(realpath "$crossfold")
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work"
port=$((20000 + RANDOM % 20000))
client=tcp://127.0.0.1:$port

start_coordinator() { # [--state-dir DIR]
    "$crossfold" coordinator --client-bind "$client" --worker-bind "tcp://127.0.0.1:$((port + 1))" \
        --data-bind "tcp://127.0.0.1:$((port + 2))" --log-level warning "$@" >coordinator.log 2>&1 &
    coordinator=$!
    pids+=("$coordinator")
    until "$crossfold" health --coordinator "$client" >/dev/null 2>&1; do sleep 0.1; done
}

start_worker() { # NAME SLOTS; sets $worker (not in a subshell, so cleanup sees its pid)
    "$crossfold" worker --connect "tcp://127.0.0.1:$((port + 1))" --slots "$2" --name "$1" \
        --cache-dir "$work/cache-$1" --log-level info >"worker-$1.log" 2>&1 &
    worker=$!
    pids+=("$worker")
}

peak_kib() { awk '/VmHWM/ {print $2}' "/proc/$1/status"; }

echo "== trivial tasks: 2,000 rows x 2 features, centroid, 1,000 folds x 10 repeats = 10,000 tasks"
"$crossfold" dataset synth --rows 2000 --features 2 --concepts 2 --seed 3 -o tiny.cfds >/dev/null
start_coordinator
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
ticks=$(getconf CLK_TCK)
for slots in 1 2; do
    start_worker "w$slots" "$slots"
    sleep 1
    coordinator_before=$(cpu_ticks "$coordinator")
    worker_before=$(cpu_ticks "$worker")
    started=$(date +%s.%N)
    "$crossfold" submit tiny.cfds --coordinator "$client" --model centroid --split random --folds 1000 \
        --repeats 10 --wait --json trivial.json >/dev/null 2>&1
    ended=$(date +%s.%N)
    coordinator_cpu=$(( $(cpu_ticks "$coordinator") - coordinator_before ))
    worker_cpu=$(( $(cpu_ticks "$worker") - worker_before ))
    # The job's own time (run.wall_seconds: from the coordinator accepting it to its last result),
    # without the client's start and the result's metrics, JSON and transfer.
    job=$(python3 -c "import json, sys
print(json.load(open(sys.argv[1]))['extended_metrics']['user_metrics']['crossfold']['run']['wall_seconds'])" trivial.json)
    awk -v s="$started" -v e="$ended" -v slots="$slots" -v j="$job" 'BEGIN {
        t = e - s; printf "  1 worker x %d slot(s): %.2f s for 10000 tasks = %.0f tasks/s, %.2f ms per task (submit to results); the job itself %.2f s = %.0f tasks/s\n", slots, t, 10000 / t, 1000 * t / 10000, j, 10000 / j }'
    # CPU per task (utime + stime); the coordinator's includes the result's metrics and JSON.
    awk -v c="$coordinator_cpu" -v w="$worker_cpu" -v hz="$ticks" 'BEGIN {
        printf "    CPU per task: coordinator %.0f us, worker %.0f us\n", 1e6 * c / hz / 10000, 1e6 * w / hz / 10000 }'
    kill "$worker"; wait "$worker" 2>/dev/null || true
done
kill "$coordinator"; wait "$coordinator" 2>/dev/null || true

echo "== the same with a durable job store (--state-dir: every result written and flushed to disk)"
start_coordinator --state-dir "$work/state"
start_worker durable 2
sleep 1
started=$(date +%s.%N)
"$crossfold" submit tiny.cfds --coordinator "$client" --model centroid --split random --folds 1000 \
    --repeats 4 --wait >/dev/null 2>&1
ended=$(date +%s.%N)
awk -v s="$started" -v e="$ended" 'BEGIN {
    t = e - s; printf "  1 worker x 2 slots, --state-dir: %.2f s for 4000 tasks = %.0f tasks/s\n", t, 4000 / t }'
kill "$worker"; wait "$worker" 2>/dev/null || true
kill "$coordinator"; wait "$coordinator" 2>/dev/null || true

echo "== dataset shipping and peak memory: 200,000 x 128 float32, 10 concepts, logistic, 5 folds"
"$crossfold" dataset synth --rows 200000 --features 128 --concepts 10 --spread 3 --seed 1 -o big.cfds >/dev/null
size=$(stat -c %s big.cfds)
start_coordinator
start_worker ship 2
"$crossfold" submit big.cfds --coordinator "$client" --folds 5 --seed 7 --wait >/dev/null 2>&1
grep 'dataset fetched' worker-ship.log | head -1 | sed 's/^/  worker log: /'
awk -v size="$size" -v c="$(peak_kib "$coordinator")" -v w="$(peak_kib "$worker")" 'BEGIN {
    mb = size / 1048576
    printf "  dataset %.0f MiB canonical; peak RSS coordinator %.0f MiB (%.1fx), worker (2 slots) %.0f MiB (%.1fx)\n",
        mb, c / 1024, c / 1024 / mb, w / 1024, w / 1024 / mb }'
