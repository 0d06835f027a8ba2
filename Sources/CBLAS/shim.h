// Debian's libopenblas-dev installs cblas.h (through alternatives) beside openblas_set_num_threads.
#include <cblas-openblas.h>

// Asks the CPU to start loading the cache line at `address` for reading. The learners gather the
// scattered training rows of a fold into a block buffer; prefetching a few rows ahead hides part of
// the memory latency that the hardware prefetcher cannot predict across the gaps between rows.
static inline void crossfold_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}
