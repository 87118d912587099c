#!/bin/sh
# SPEC OBS-5: `tcpkit sim SCENARIO --text-ladder` prints exactly the
# expected ladder. Usage: check_text_ladder.sh TCPKIT SCENARIO EXPECTED
set -eu
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$1" sim "$2" --text-ladder >"$out"
if ! diff -u "$3" "$out"; then
    echo "check_text_ladder: $2 differs from $3" >&2
    exit 1
fi
echo "check_text_ladder: $2 ok"
