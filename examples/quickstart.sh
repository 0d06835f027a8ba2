#!/usr/bin/env bash
# Installs what crossfold needs if it is missing (Debian/Ubuntu), builds it, and cross-validates
# scikit-learn's handwritten digits (examples/digits.csv) on an embedded local cluster.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[[ -f /usr/include/zmq.h ]] || missing+=(libzmq3-dev)
[[ -f /usr/include/x86_64-linux-gnu/cblas-openblas.h || -f /usr/include/aarch64-linux-gnu/cblas-openblas.h ]] \
    || missing+=(libopenblas-dev)
[[ -f /usr/include/openssl/sha.h ]] || missing+=(libssl-dev)
if ((${#missing[@]})); then
    echo "Installing ${missing[*]}"
    sudo=()
    ((EUID == 0)) || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

swift build -c release --product crossfold
.build/release/crossfold evaluate examples/digits.csv --folds 5 --seed 7 "$@"
