// libsodium-dev comes with libzmq3-dev; crossfold uses only its streaming SHA-256.
#include <sodium.h>
