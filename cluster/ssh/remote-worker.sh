#!/bin/sh
# The remote half of crossfold-workers: runs on a worker host, fed to `sh -s` over ssh.
#
#   sh remote-worker.sh ACTION BIN RUNDIR STOP_TIMEOUT [WORKER OPTION...]
#
# ACTION        start | stop | status
# BIN           crossfold binary (a path, or a name looked up on PATH)
# RUNDIR        folder for worker.pid, worker.log, health.json and cache/ (relative: under $HOME)
# STOP_TIMEOUT  seconds to wait after SIGTERM before SIGKILL
# WORKER OPTION passed to `crossfold worker` on start (--connect, --slots, --name, ...)
#
# Prints one line saying what it found or did. Exit 0 on success (including "already running" and
# "not running"), 1 when the worker failed to start or stop, 2 on bad arguments, 3 when BIN is missing.
# POSIX sh on purpose: the remote login shell may be anything, and /bin/sh is always there.
set -eu

if [ "$#" -lt 4 ]; then
    echo "usage: remote-worker.sh start|stop|status BIN RUNDIR STOP_TIMEOUT [WORKER OPTION...]" >&2
    exit 2
fi
action=$1 bin=$2 rundir=$3 stop_timeout=$4
shift 4

case "$rundir" in
    /*) ;;
    *) rundir="$HOME/$rundir" ;;
esac
pidfile="$rundir/worker.pid"
logfile="$rundir/worker.log"
healthfile="$rundir/health.json"

# Prints the pid of the running worker, or nothing. A pid in the file counts only while that process
# is still a crossfold worker, so a pid reused by another program after a reboot is not mistaken.
running_pid() {
    [ -f "$pidfile" ] || return 0
    pid=$(cat "$pidfile" 2>/dev/null || true)
    case "$pid" in '' | *[!0-9]*) return 0 ;; esac
    kill -0 "$pid" 2>/dev/null || return 0
    if [ -r "/proc/$pid/cmdline" ] && ! tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q ' worker'; then
        return 0
    fi
    echo "$pid"
}

case "$action" in
    start)
        pid=$(running_pid)
        if [ -n "$pid" ]; then
            echo "already running (pid $pid)"
            exit 0
        fi
        if ! command -v "$bin" > /dev/null 2>&1; then
            echo "crossfold not found: $bin (install it or pass --bin)"
            exit 3
        fi
        mkdir -p "$rundir/cache"
        # setsid and nohup detach the worker from the ssh session, so it outlives the connection.
        detach=""
        if command -v setsid > /dev/null 2>&1; then
            detach=setsid
        fi
        $detach nohup "$bin" worker --cache-dir "$rundir/cache" --health-file "$healthfile" "$@" \
            < /dev/null >> "$logfile" 2>&1 &
        pid=$!
        echo "$pid" > "$pidfile"
        # A worker that cannot start (bad option, missing library) exits at once: report it here.
        sleep 1
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$pidfile"
            echo "exited at once; last lines of $logfile:"
            tail -n 5 "$logfile" | sed 's/^/    /'
            exit 1
        fi
        echo "started (pid $pid, log $logfile)"
        ;;
    stop)
        pid=$(running_pid)
        if [ -z "$pid" ]; then
            rm -f "$pidfile"
            echo "not running"
            exit 0
        fi
        # SIGTERM: the worker hands its tasks back to the coordinator and exits within 5 s.
        kill -TERM "$pid" 2>/dev/null || true
        waited=0
        while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt "$stop_timeout" ]; do
            sleep 1
            waited=$((waited + 1))
        done
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null || true
            rm -f "$pidfile"
            echo "killed (pid $pid ignored SIGTERM for ${stop_timeout}s)"
            exit 1
        fi
        rm -f "$pidfile"
        echo "stopped (pid $pid, after ${waited}s)"
        ;;
    status)
        pid=$(running_pid)
        if [ -z "$pid" ]; then
            echo "stopped"
            exit 0
        fi
        if "$bin" health --worker-file "$healthfile" > /dev/null 2>&1; then
            echo "running (pid $pid), connected"
        else
            echo "running (pid $pid), not connected (see $logfile)"
        fi
        ;;
    *)
        echo "unknown action: $action (start, stop or status)" >&2
        exit 2
        ;;
esac
