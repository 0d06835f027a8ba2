/* libzmq's own throughput on loopback, for docs/PERFORMANCE.md: a DEALER asks a ROUTER for
 * MESSAGES chunks of CHUNK bytes with CREDIT requests outstanding (the same credit-based transfer
 * crossfold's workers use), with or without CURVE, and prints MB/s. The receiving side only
 * receives (no copy, no hash), so this is the ceiling crossfold's dataset shipping is measured
 * against. Build: cc -O2 zmq_throughput.c -lzmq -o zmq_throughput
 * Usage: zmq_throughput MEGABYTES [curve] */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

enum { CHUNK = 1 << 20, CREDIT = 8 };
static const char *endpoint = "tcp://127.0.0.1:27631";
static char server_public[41], server_secret[41], client_public[41], client_secret[41];
static int curve = 0;
static long messages = 0;

static void check(int rc, const char *what) {
    if (rc == -1) { fprintf(stderr, "%s: %s\n", what, zmq_strerror(zmq_errno())); exit(1); }
}

static void *serve(void *context) {
    void *router = zmq_socket(context, ZMQ_ROUTER);
    int one = 1;
    if (curve) {
        check(zmq_setsockopt(router, ZMQ_CURVE_SERVER, &one, sizeof one), "curve server");
        check(zmq_setsockopt(router, ZMQ_CURVE_SECRETKEY, server_secret, 41), "secret key");
    }
    check(zmq_bind(router, endpoint), "bind");
    char *payload = calloc(CHUNK, 1);
    for (long served = 0; served < messages; served++) {
        zmq_msg_t id, request;
        zmq_msg_init(&id);
        zmq_msg_init(&request);
        check(zmq_msg_recv(&id, router, 0), "recv id");
        check(zmq_msg_recv(&request, router, 0), "recv request");
        check(zmq_msg_send(&id, router, ZMQ_SNDMORE), "send id");
        check(zmq_send(router, payload, CHUNK, 0), "send chunk");
        zmq_msg_close(&request);
    }
    free(payload);
    zmq_close(router);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s MEGABYTES [curve]\n", argv[0]); return 64; }
    messages = atol(argv[1]);
    curve = argc > 2 && strcmp(argv[2], "curve") == 0;
    if (curve) {
        check(zmq_curve_keypair(server_public, server_secret), "keypair");
        check(zmq_curve_keypair(client_public, client_secret), "keypair");
    }
    void *context = zmq_ctx_new();
    pthread_t server;
    pthread_create(&server, NULL, serve, context);
    void *dealer = zmq_socket(context, ZMQ_DEALER);
    if (curve) {
        check(zmq_setsockopt(dealer, ZMQ_CURVE_SERVERKEY, server_public, 41), "server key");
        check(zmq_setsockopt(dealer, ZMQ_CURVE_PUBLICKEY, client_public, 41), "public key");
        check(zmq_setsockopt(dealer, ZMQ_CURVE_SECRETKEY, client_secret, 41), "secret key");
    }
    check(zmq_connect(dealer, endpoint), "connect");
    struct timespec start, end;
    long asked = 0, received = 0;
    zmq_msg_t chunk;
    for (; asked < CREDIT && asked < messages; asked++) check(zmq_send(dealer, "F", 1, 0), "send request");
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (received < messages) {
        zmq_msg_init(&chunk);
        check(zmq_msg_recv(&chunk, dealer, 0), "recv chunk");
        zmq_msg_close(&chunk);
        received++;
        if (asked < messages) { check(zmq_send(dealer, "F", 1, 0), "send request"); asked++; }
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("%s: %ld MiB in %.3f s = %.0f MB/s\n", curve ? "CURVE" : "NULL", messages, seconds,
           messages * (double)CHUNK / seconds / 1e6);
    pthread_join(server, NULL);
    zmq_close(dealer);
    zmq_ctx_term(context);
    return 0;
}
