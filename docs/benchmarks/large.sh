#!/usr/bin/env bash
# Large datasets end to end (docs/PERFORMANCE.md, "Large datasets"): a client, a coordinator with
# --state-dir and a worker with 2 slots, as separate processes on loopback, evaluating a synthetic
# dataset of SIZE GB (SIZE million rows x 256 features, 10 concepts) with `centroid`, 5 folds,
# writing --json and --predictions. Prints each process's peak RssAnon and RssFile (sampled every
# 20 ms from /proc/PID/status), the time of each phase from the processes' JSON logs, and the
# end-to-end time.
#
# Usage: docs/benchmarks/large.sh SIZE [CROSSFOLD_BINARY] [WORK_DIR]
#   SIZE   gigabytes of features, e.g. 0.5, 2 or 8 (needs about 3 x SIZE GB of free disk)
#   CROSSFOLD_BINARY   a release build (swift build -c release); default .build/release/crossfold
#   WORK_DIR   where the dataset, the state dir and the cache go (default: a new temporary directory)
# Environment: WARM=1 first writes and drops 20 GB of page cache (on a VM whose host backs guest
# memory only when it is first touched, writes into never-touched memory run at a fraction of their
# speed; a machine that has run a while has touched its memory already); KEEP=1 keeps WORK_DIR;
# PREDICTIONS=0 skips --predictions; STATE=0 runs the
# coordinator without --state-dir (it then spools uploads to unlinked files in WORK_DIR/spool);
# KEYS=1 secures every connection with CURVE keys (`crossfold keys generate`).
set -euo pipefail
size=${1:?usage: large.sh SIZE [CROSSFOLD_BINARY] [WORK_DIR]}
crossfold=$(realpath "${2:-.build/release/crossfold}")
work=${3:-$(mktemp -d)}
mkdir -p "$work"
work=$(realpath "$work")
rows=$(python3 -c "print(int(float('$size') * 1_000_000))")
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [[ ${KEEP:-0} != 1 ]]; then rm -rf "$work"; fi
}
trap cleanup EXIT
cd "$work"
rm -rf state cache spool stop-sampling stop-sampling.client ./*.log ./*.json ./*.csv ./*.samples
mkdir -p spool
port=$((20000 + RANDOM % 20000))
client=tcp://127.0.0.1:$port
logs=(--log-format json --log-level info)

if [[ ${WARM:-0} == 1 ]]; then
    echo "== touching 20 GB of memory once (WARM=1)"
    dd if=/dev/zero of="$work/warm" bs=1M count=20000 status=none
    rm -f "$work/warm"
    sync
    if [[ -w /proc/sys/vm/drop_caches ]]; then echo 3 >/proc/sys/vm/drop_caches; fi
fi

dataset=large-$rows.cfds
if [[ ! -f $dataset ]]; then
    echo "== synthesising $rows x 256, 10 concepts"
    /usr/bin/time -f "   %e s, peak RSS %M KiB" "$crossfold" dataset synth --rows "$rows" --features 256 --concepts 10 \
        --seed 1 -o "$dataset"
fi
bytes=$(stat -c %s "$dataset")
echo "== dataset: $bytes bytes"
# What the job's unavoidable durable writes cost on their own on this disk: the coordinator's stored
# copy and the worker's cached copy, each written and flushed (the ratio target is against this).
megabytes=$(( (bytes + (1 << 20) - 1) >> 20 ))
durable_started=$(date +%s.%N)
for copy in stored cached; do
    dd if=/dev/zero of="$work/durable-$copy" bs=1M count="$megabytes" conv=fsync status=none
done
durable_ended=$(date +%s.%N)
rm -f "$work"/durable-*
awk -v s="$durable_started" -v e="$durable_ended" -v mb="$megabytes" \
    'BEGIN { printf "== durable writes alone (dd conv=fsync, 2 x %d MiB): %.2f s\n", mb, e - s }'
# And how fast new page cache can be written at all (no flush): every copy of the dataset a process
# writes (the coordinator's, the worker's) goes at most this fast.
cached_started=$(date +%s.%N)
dd if=/dev/zero of="$work/page-cache" bs=1M count="$megabytes" status=none
cached_ended=$(date +%s.%N)
rm -f "$work/page-cache"
awk -v s="$cached_started" -v e="$cached_ended" -v mb="$megabytes" \
    'BEGIN { printf "== page cache writes alone (dd, %d MiB, no flush): %.2f s = %.2f GB/s\n", mb, e - s, mb * 1.048576 / 1000 / (e - s) }'

keys_coordinator=() keys_worker=() keys_client=()
if [[ ${KEYS:-0} == 1 ]]; then
    rm -rf "$work/keys"
    "$crossfold" keys generate "$work/keys" >/dev/null
    keys_coordinator=(--keys "$work/keys/coordinator")
    keys_worker=(--keys "$work/keys/worker-1")
    keys_client=(--keys "$work/keys/client-1")
fi
state=(--state-dir "$work/state")
[[ ${STATE:-1} == 0 ]] && state=()
# Flags an older crossfold (for a before/after comparison) does not have.
spool=() scratch=()
"$crossfold" coordinator --help | grep -q -- --spool-dir && spool=(--spool-dir "$work/spool")
"$crossfold" submit --help | grep -q -- --scratch-dir && scratch=(--scratch-dir "$work/spool")
"$crossfold" coordinator "${state[@]}" "${spool[@]}" --client-bind "$client" \
    --worker-bind "tcp://127.0.0.1:$((port + 1))" --data-bind "tcp://127.0.0.1:$((port + 2))" \
    "${keys_coordinator[@]}" "${logs[@]}" \
    >coordinator.log 2>&1 &
coordinator=$!
pids+=("$coordinator")
"$crossfold" worker --connect "tcp://127.0.0.1:$((port + 1))" --slots 2 --name bench --cache-dir "$work/cache" \
    --cache-max-bytes $((64 << 30)) "${keys_worker[@]}" "${logs[@]}" >worker.log 2>&1 &
worker=$!
pids+=("$worker")
until grep -q 'registered with the coordinator' worker.log 2>/dev/null; do sleep 0.1; done

# Samples every process's RssAnon and RssFile until the sampler is told to stop.
python3 - "$work/stop-sampling" "$coordinator" "$worker" >memory.samples <<'PY' &
import os, sys, time
stop, pids = sys.argv[1], sys.argv[2:]
clients = set()
peak = {}
when = {}
begin = time.time()
def sample(pid, name):
    try:
        with open(f"/proc/{pid}/status") as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
    except OSError:
        return
    for key in ("RssAnon", "RssFile"):
        if key in fields:  # absent once the process has exited
            value = int(fields[key].split()[0])
            if value > peak.get((name, key), 0):
                peak[(name, key)] = value
                when[(name, key)] = time.time()
while not os.path.exists(stop):
    sample(pids[0], "coordinator")
    sample(pids[1], "worker")
    try:
        with open(stop + ".client") as f:
            clients.add(f.read().strip())
    except OSError:
        pass
    for pid in clients:
        sample(pid, "client")
    time.sleep(0.02)
for name in ("client", "coordinator", "worker"):
    print(name, peak.get((name, "RssAnon"), 0), peak.get((name, "RssFile"), 0),
          f'{when.get((name, "RssAnon"), begin):.3f}')
PY
sampler=$!

predictions=(--predictions "$work/predictions.csv")
[[ ${PREDICTIONS:-1} == 0 ]] && predictions=()
started=$(date +%s.%N)
"$crossfold" submit "$dataset" --coordinator "$client" --model centroid --folds 5 --seed 7 --wait \
    --json "$work/result.json" "${predictions[@]}" "${scratch[@]}" "${keys_client[@]}" "${logs[@]}" >client.out 2>client.log &
submitter=$!
echo "$submitter" >"$work/stop-sampling.client"
wait "$submitter"
ended=$(date +%s.%N)
touch "$work/stop-sampling"
wait "$sampler"

echo "== peak memory (KiB, sampled every 20 ms; when the RssAnon peak came, from submit)"
awk -v start="$started" '{ printf "   %-12s RssAnon %9d   RssFile %9d   (RssAnon peak at +%.2f s)\n", $1, $2, $3, $4 - start }' memory.samples

echo "== phases (seconds)"
python3 - "$started" "$ended" <<'PY'
import json, sys
from datetime import datetime
start, end = float(sys.argv[1]), float(sys.argv[2])
def records(path):
    out = []
    for line in open(path):
        line = line.strip()
        if line.startswith("{"):
            try:
                out.append(json.loads(line))
            except ValueError:
                pass
    return out
def ts(record):
    return datetime.fromisoformat(record["ts"].replace("Z", "+00:00")).timestamp()
def first(path, message):
    return next((ts(r) for r in records(path) if r["message"] == message), None)
def last(path, message):
    times = [ts(r) for r in records(path) if r["message"] == message]
    return times[-1] if times else None
prepared = first("client.log", "dataset prepared")
uploaded = first("client.log", "dataset uploaded") or first("client.log", "coordinator already holds the dataset")
fetching = first("worker.log", "fetching dataset")
fetched = first("worker.log", "dataset fetched") or first("worker.log", "dataset fetched; verifying")
usable = first("worker.log", "dataset verified and open; caching it in the background") \
    or first("worker.log", "dataset verified and cached")
cached = first("worker.log", "dataset verified and cached")
task_start = first("worker.log", "task started")
task_end = last("worker.log", "task finished")
finished = first("coordinator.log", "job finished")
def span(name, a, b):
    value = "-" if a is None or b is None else f"{b - a:7.2f}"
    print(f"   {name:<44} {value}")
span("client prepare (open, hash, validate)", start, prepared)
span("client prepare and upload", start, uploaded)
span("upload (client -> coordinator, kept durably)", prepared, uploaded)
span("fetch (coordinator -> worker, verified)", fetching, usable)
span("  of which: all bytes written", fetching, fetched)
span("  worker cache made durable (background)", usable, cached)
span("submit to first fold starting", start, task_start)
span("folds (first start to last end)", task_start, task_end)
span("metrics (last fold to job finished)", task_end, finished)
span("results (job finished to client exit)", finished, end)
span("end to end (submit to results)", start, end)
PY
echo "== result: $(python3 -c "import json; m=json.load(open('$work/result.json')); print('macro ROC AUC', round(m['summary']['macro_avg_roc_auc'], 4))")"
[[ -f predictions.csv ]] && echo "== predictions.csv: $(stat -c %s predictions.csv) bytes, $(wc -l <predictions.csv) lines"
