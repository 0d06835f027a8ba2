#!/usr/bin/env bash
# Installs what the test suite uses besides the build's libraries (examples/quickstart.sh installs
# those): headless Chromium and its driver for the HTML report's browser test, and the Python test
# oracles (scikit-learn, numpy, pyzmq, clarifai-grpc, selenium; .ci/requirements.txt).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
if ((${#missing[@]})); then
    echo "Installing ${missing[*]}"
    sudo=()
    ((EUID == 0)) || sudo=(sudo)
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
python3 -m pip install --quiet --disable-pip-version-check -r .ci/requirements.txt
