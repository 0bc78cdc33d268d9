#!/bin/sh
# test_agreement must be able to fail: on a copy of a committed trace with one
# guest unmap removed, the invalidation that unmap caused has no guest
# operation, so test_agreement must exit non-zero, say so, and not print that
# the trace agrees. (It once printed its success line after failed checks.)
# Usage: test_agreement_fails.sh TEST_AGREEMENT TRACE_DIR WORK_DIR
set -u
bin=$1 traces=$2 work=$3
rm -rf "$work"
mkdir -p "$work/vtd-strict"
# the 20th unmap line of the trace goes
gzip -dc "$traces/vtd-strict/all.trace.gz" |
	awk '$2 == "unmap" && ++n == 20 { next } { print }' | gzip >"$work/vtd-strict/all.trace.gz"
NB_TRACE_DIR=$work "$bin" vtd-strict/all.trace.gz >"$work/out" 2>"$work/err"
st=$?
fail=0
[ "$st" -eq 1 ] || { echo "FAIL: exit $st on a trace with an unmap removed, want 1"; fail=1; }
grep -q 'an invalidation no guest map/unmap explains' "$work/err" ||
	{ echo "FAIL: no message about the unexplained invalidation"; fail=1; }
grep -q 'types and ranges agree' "$work/out" && { echo "FAIL: it still says the trace agrees: $(cat "$work/out")"; fail=1; }
grep -q 'DISAGREES' "$work/out" || { echo "FAIL: the summary does not say DISAGREES"; fail=1; }
[ "$fail" -eq 0 ] && echo "test_agreement_fails: test_agreement fails (exit 1) on a trace with one unmap removed, as it must"
exit "$fail"
