"""Runs a command (its output discarded, its errors passed on) and writes its wall time and its CPU
time (user + system, its threads and children) in seconds to OUT, on one line.

Usage: timed.py OUT COMMAND [ARGS...]   (exits with the command's status)
"""
import resource
import subprocess
import sys
import time

out, command = sys.argv[1], sys.argv[2:]
started = time.monotonic()
status = subprocess.run(command, stdout=subprocess.DEVNULL).returncode
wall = time.monotonic() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "w") as f:
    f.write(f"{wall:.3f} {usage.ru_utime + usage.ru_stime:.3f}\n")
sys.exit(status)
