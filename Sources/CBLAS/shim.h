// Debian's libopenblas-dev installs cblas.h (through alternatives) beside openblas_set_num_threads.
#include <cblas-openblas.h>

// Asks the CPU to start loading the cache line at `address` for reading. The learners gather the
// scattered training rows of a fold into a block buffer; prefetching a few rows ahead hides part of
// the memory latency that the hardware prefetcher cannot predict across the gaps between rows.
static inline void crossfold_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

// The first j in [from, n) with s[j] > row_gate or s[j] > column_gates[j], else n: the scan of a
// block of similarities for candidates (Sources/Learners/NeighbourPairs.swift). Nearly every value
// passes neither gate, so whole runs of 16 are compared without a branch (the compiler vectorizes
// the inner loop) and only a run with a candidate is searched one by one.
static inline int crossfold_first_candidate(
    const float *s, const float *column_gates, float row_gate, int from, int n) {
    int j = from;
    for (; j + 16 <= n; j += 16) {
        int hit = 0;
        for (int t = 0; t < 16; t++) hit |= (s[j + t] > row_gate) | (s[j + t] > column_gates[j + t]);
        if (hit) break;
    }
    for (; j < n; j++) {
        if (s[j] > row_gate || s[j] > column_gates[j]) return j;
    }
    return n;
}
