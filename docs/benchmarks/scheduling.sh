#!/usr/bin/env bash
# The scheduling figures of docs/PERFORMANCE.md: the pure scheduler with simulated workers on a mock
# clock (Sources/Cluster/Scheduling/SchedulerSimulation.swift): decisions per second, memory per
# task, and the simulated makespan against every slot always busy.
# Usage: docs/benchmarks/scheduling.sh [SIZE]   SIZE: full (default; 1,000 workers, 100,000 tasks) or tiny (CI)
set -euo pipefail
cd "$(dirname "$0")/../.."
size=${1:-full}
# The tiny run checks that it works (CI, after the debug build of the tests); figures come from release.
configuration=release
[ "$size" = tiny ] && configuration=debug
swift build -c "$configuration" --product scheduler-simulation >/dev/null
simulation=.build/$configuration/scheduler-simulation
case "$size" in
    full)
        "$simulation" 1000 100000 4 1000   # 1,000 hosts x 4 slots, 1 s tasks
        "$simulation" 1000 100000 4 10     # the same with 10 ms tasks (sent ahead)
        "$simulation" 100 100000 8 10      # 100 hosts x 8 slots, 10 ms tasks
        "$simulation" 100 1000000 8 1000   # a million-task job's worth, 100 hosts
        ;;
    tiny) "$simulation" 20 2000 2 100 ;;
    *) echo "scheduling.sh: SIZE is full or tiny, not '$size'" >&2; exit 64 ;;
esac
