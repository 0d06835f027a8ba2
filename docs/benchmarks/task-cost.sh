#!/usr/bin/env bash
# What a task costs the coordinator and the client while a job's result is built, for the memory
# limit on a job's tasks (JobLimits.coordinatorBytesPerTask; docs/PERFORMANCE.md, How many tasks a
# job may have). For each CONCEPTS:TASKS it synthesises 2,000 rows of 2 features, starts a
# coordinator and one worker with 2 slots on loopback, and runs `submit --wait --json` of a
# `centroid` job of 1,000 folds x TASKS/1,000 repeats. It prints the coordinator's peak (VmHWM less
# its VmHWM at rest), the client's peak RssAnon (sampled every 50 ms), the result's JSON, each per
# task, and the time from submit to results.
# Usage: docs/benchmarks/task-cost.sh [CROSSFOLD_BINARY] [CONCEPTS:TASKS ...]
#   (a release build: swift build -c release; default 2:20000 20:20000 100:5000; 2:1000000 is the
#   million-task run, about 4 minutes and 10 GB)
set -euo pipefail
crossfold=$(realpath "${1:-.build/release/crossfold}")
shift || true
runs=("$@")
[ ${#runs[@]} -gt 0 ] || runs=(2:20000 20:20000 100:5000)
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

kib() { awk -v key="$2:" '$1 == key {print $2}' "/proc/$1/status"; }

for run in "${runs[@]}"; do
    concepts=${run%%:*}
    tasks=${run##*:}
    if (( tasks < 1000 || tasks % 1000 != 0 )); then
        echo "task-cost.sh: $run: TASKS must be a multiple of 1000 (1,000 folds x repeats)" >&2
        exit 64
    fi
    port=$((20000 + RANDOM % 20000))
    client="tcp://127.0.0.1:$port"
    "$crossfold" dataset synth --rows 2000 --features 2 --concepts "$concepts" --seed 3 -o data.cfds >/dev/null
    "$crossfold" coordinator --client-bind "$client" --worker-bind "tcp://127.0.0.1:$((port + 1))" \
        --data-bind "tcp://127.0.0.1:$((port + 2))" --log-level warning >coordinator.log 2>&1 &
    coordinator=$!
    pids+=("$coordinator")
    until "$crossfold" health --coordinator "$client" >/dev/null 2>&1; do sleep 0.1; done
    "$crossfold" worker --connect "tcp://127.0.0.1:$((port + 1))" --slots 2 --name w --cache-dir "$work/cache" \
        --log-level warning >worker.log 2>&1 &
    worker=$!
    pids+=("$worker")
    sleep 1
    at_rest=$(kib "$coordinator" VmHWM)
    started=$(date +%s.%N)
    "$crossfold" submit data.cfds --coordinator "$client" --model centroid --split random --folds 1000 \
        --repeats $((tasks / 1000)) --wait --json result.json >/dev/null 2>client.log &
    submitter=$!
    client_peak=0
    while kill -0 "$submitter" 2>/dev/null; do
        anon=$(kib "$submitter" RssAnon 2>/dev/null || echo 0)
        (( ${anon:-0} > client_peak )) && client_peak=$anon
        sleep 0.05
    done
    wait "$submitter" || { echo "task-cost.sh: submit failed:" >&2; cat client.log >&2; exit 1; }
    ended=$(date +%s.%N)
    peak=$(kib "$coordinator" VmHWM)
    json=$(stat -c %s result.json)
    job=$(python3 -c "import json, sys
print(json.load(open(sys.argv[1]))['extended_metrics']['user_metrics']['crossfold']['run']['wall_seconds'])" result.json)
    awk -v c="$concepts" -v t="$tasks" -v rest="$at_rest" -v peak="$peak" -v client="$client_peak" -v json="$json" \
        -v s="$started" -v e="$ended" -v job="$job" 'BEGIN {
        printf "%d concepts, %d tasks: coordinator %.1f KB a task (peak %.0f MB), client %.1f KB a task (RssAnon %.0f MiB), JSON %.2f KB a task (%.0f MB); %.1f s from submit to results, the job itself %.1f s (%.0f tasks/s)\n",
            c, t, (peak - rest) * 1.024 / t, peak * 1.024 / 1000, client * 1.024 / t, client / 1024, json / 1000 / t, json / 1e6, e - s, job, t / job }'
    kill "$worker" "$coordinator"
    wait "$worker" "$coordinator" 2>/dev/null || true
    pids=()
done
