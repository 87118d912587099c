#!/bin/sh
# Runs every libFuzzer target built in BUILD_DIR (BUILD_DIR/fuzz/fuzz_*) for
# SECONDS each, seeded from tests/fuzz/corpus/<name>/. New inputs go to a
# scratch directory, never into the repository; crashes are written there too.
# Prints executions per target; exits non-zero if any target found a crash.
#
# usage: run-fuzzers.sh BUILD_DIR SECONDS [TARGET...]
set -u

if [ $# -lt 2 ]; then
    echo "usage: $0 BUILD_DIR SECONDS [TARGET...]" >&2
    exit 2
fi
build=$1
secs=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
scratch=${TK_FUZZ_SCRATCH:-$build/fuzz-scratch}
mkdir -p "$scratch"

if [ $# -gt 0 ]; then
    targets=$*
else
    targets=$(cd "$build/fuzz" 2>/dev/null && ls fuzz_* 2>/dev/null | sed 's/^fuzz_//')
fi
if [ -z "$targets" ]; then
    echo "no fuzz targets in $build/fuzz (configure with CC=clang -DTK_FUZZ=ON)" >&2
    exit 2
fi

failed=0
printf '%-14s %12s %10s %8s  %s\n' target executions exec/s corpus result
for name in $targets; do
    bin=$build/fuzz/fuzz_$name
    seeds=$here/corpus/$name
    work=$scratch/$name
    log=$scratch/$name.log
    mkdir -p "$work/corpus" "$work/crashes" "$seeds"
    "$bin" -max_total_time="$secs" -max_len=4096 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$work/crashes/" "$work/corpus" "$seeds" >"$log" 2>&1
    rc=$?
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    units=$(ls "$work/corpus" | wc -l)
    if [ $rc -eq 0 ]; then
        result=ok
    else
        result="FAILED (rc $rc, see $log and $work/crashes/)"
        failed=1
    fi
    printf '%-14s %12s %10s %8s  %s\n' "$name" "${execs:-?}" "${rate:-?}" "$units" "$result"
done
exit $failed
