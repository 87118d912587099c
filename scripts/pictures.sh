#!/bin/sh
# Draws the pictures of docs/pictures.md from the simulator's scenarios
# (`make pictures`). Usage: scripts/pictures.sh TCPKIT OUTDIR
set -eu
tcpkit=$1 out=$2
mkdir -p "$out"
# scenario  picture  file  [extra options]
while read -r sc pic file extra; do
    [ -n "$sc" ] || continue
    # shellcheck disable=SC2086 # extra holds several options
    "$tcpkit" sim "$sc" --quiet --svg "$out/$file.svg" --picture "$pic" $extra >/dev/null
    echo "pictures: $out/$file.svg"
done <<'LIST'
lifecycle                  ladder   lifecycle
lifecycle                  states-a lifecycle-states-a
lifecycle                  states-b lifecycle-states-b
simultaneous-open          ladder   simultaneous-open
simultaneous-close         ladder   simultaneous-close
three-segment-close        ladder   three-segment-close
time-wait-refin            ladder   time-wait-refin
half-open                  ladder   half-open
stale-reconnect            ladder   stale-reconnect
syn-flood                  ladder   syn-flood
lossy-transfer             ladder   lossy-transfer-small   --bytes 20000 --seed 5
lossy-transfer             tseq-a   lossy-transfer-tseq
lossy-transfer             cc-a     lossy-transfer-cc
what-if-no-time-wait       ladder   what-if-no-time-wait
what-if-two-way-handshake  ladder   what-if-two-way-handshake
what-if-short-msl          ladder   what-if-short-msl
LIST
