// OpenSSL's libcrypto (Debian: libssl-dev), for SHA-256 only. Its SHA256_* functions run the same
// assembly as the EVP interface, which uses the CPU's SHA extensions where they exist (about
// 1.8 GB/s on one core here, against 0.33 GB/s for libsodium's portable code). OpenSSL 3 marks
// them deprecated in favour of EVP, whose context is heap-allocated; the plain struct keeps a
// hasher a value that can be copied, so the wrappers below call them with the warnings silenced.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/sha.h>

static inline int crossfold_sha256_init(SHA256_CTX *context) { return SHA256_Init(context); }

static inline int crossfold_sha256_update(SHA256_CTX *context, const void *bytes, size_t count) {
    return SHA256_Update(context, bytes, count);
}

static inline int crossfold_sha256_final(unsigned char *digest, SHA256_CTX *context) {
    return SHA256_Final(digest, context);
}
