// Debian's libzmq3-dev (libzmq 4.3.4). No pkgConfig: its Requires.private pulls -isystem flags
// that SwiftPM rejects with a warning on every build (swift-package-manager#10549).
#include <zmq.h>
