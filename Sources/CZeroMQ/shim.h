// Debian's libzmq3-dev (libzmq 4.3.4). No pkgConfig: its Requires.private pulls -isystem flags
// that SwiftPM rejects with a warning on every build (swift-package-manager#10549).
#include <zmq.h>
// Linux eventfd, which Swift's Glibc module does not export: the reactor's cross-thread wake-up,
// polled by zmq_poll as a raw file descriptor.
#include <sys/eventfd.h>
