#!/usr/bin/env python3
"""The single-precision matrix product rate of the machine's OpenBLAS, called the way crossfold
calls it (Debian's libopenblas through cblas_sgemm, with this environment's OPENBLAS_* settings),
for the brute-force limits of docs/benchmarks/compute.sh. Prints GFLOP/s.

Usage: python3 docs/benchmarks/sgemm_rate.py [M N K] (default 4096 4096 128: a block of test
rows against a block of training rows, 128 features, as knn does)
"""
import ctypes
import ctypes.util
import sys
import time

import numpy as np


def main():
    m, n, k = (int(v) for v in sys.argv[1:4]) if len(sys.argv) >= 4 else (4096, 4096, 128)
    blas = ctypes.CDLL(ctypes.util.find_library("openblas") or "libopenblas.so.0")
    a = np.random.default_rng(1).random((m, k), dtype=np.float32)
    b = np.random.default_rng(2).random((n, k), dtype=np.float32)
    c = np.zeros((m, n), dtype=np.float32)
    pointer = ctypes.POINTER(ctypes.c_float)
    args = [101, 111, 112, m, n, k, ctypes.c_float(1.0), a.ctypes.data_as(pointer), k,
            b.ctypes.data_as(pointer), k, ctypes.c_float(0.0), c.ctypes.data_as(pointer), n]
    blas.cblas_sgemm(*args)  # warm-up
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        blas.cblas_sgemm(*args)
        best = min(best, time.perf_counter() - start)
    print(f"{2 * m * n * k / best / 1e9:.1f}")


if __name__ == "__main__":
    main()
