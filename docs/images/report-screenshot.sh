#!/usr/bin/env bash
# Regenerates docs/images/report-digits.png, the README's picture of the HTML report: evaluates
# examples/digits.csv with --html and photographs the page in headless Chromium through the same
# checker the browser test uses (Tests/Browser/check_report.py; needs ./examples/test-tools.sh).
# Usage: docs/images/report-screenshot.sh [CROSSFOLD_BINARY]   (default: .build/debug/crossfold)
set -euo pipefail
cd "$(dirname "$0")/../.."
crossfold=$(realpath "${1:-.build/debug/crossfold}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp examples/digits.csv "$work/digits.csv"
(cd "$work" && "$crossfold" evaluate digits.csv --folds 5 --seed 7 --local-workers 2 --html digits.html >/dev/null)
python3 Tests/Browser/check_report.py "$work/digits.html" docs/images/report-digits.png --concepts 10 --width 1280
echo "wrote docs/images/report-digits.png"
