#!/bin/sh
# The browser test of the HTML reports (SPEC OBS-5..OBS-7, docs/pictures.md).
# Debian's chromium is installed by scripts/install-deps.sh when missing and
# we are root; without root and without chromium the test is skipped (77).
# Usage: browser-test.sh TCPKIT SRCDIR OUTDIR
set -eu
tcpkit=$1 src=$2 out=$3
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "skip: chromium is not installed and we are not root to install it"
        exit 77
    fi
    "$src/scripts/install-deps.sh" check
fi
exec python3 "$src/tests/browser/check_reports.py" "$tcpkit" "$out" "$(command -v chromium)"
