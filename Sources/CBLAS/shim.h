// Debian's libopenblas-dev installs cblas.h (through alternatives) beside openblas_set_num_threads.
#include <cblas-openblas.h>
