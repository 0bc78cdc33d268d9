#!/bin/sh
# Results on a full disk and in a read-only folder (issue 16): every program
# that writes results says so in one line with a non-zero, documented exit,
# and what was there before stays whole: no cut-off file renamed into place,
# no temporary file left.
#   - a benchmark's --benchmark_out on a full filesystem: exit 1, old file kept
#   - nestbench run --out on a full filesystem: the family fails, its old
#     raw JSON kept, exit 1
#   - nestbench run --out=DIR where DIR exists but is read-only: exit 1
#     before any family runs
#   - compare --markdown on a full filesystem: exit 4, old file kept
#   - the report generator on a full filesystem: exit 1, old index.html kept
#   - the trace converter's --out on a full filesystem: exit 1
# The filesystems are a 1 MiB tmpfs and a read-only bind mount in a private
# mount namespace (unshare -rm); where that cannot be made, the test says so
# and exits 77 (skipped).
# Usage: test_full_disk.sh NESTBENCH BENCH_DIR SOURCE_DIR WORK_DIR
set -u
if [ -z "${NB_IN_MOUNT_NS:-}" ]; then
	if ! unshare -rm true 2>/dev/null; then
		echo "SKIP: no private mount namespace here (unshare -rm failed): no small filesystem to fill"
		exit 77
	fi
	NB_IN_MOUNT_NS=1 exec unshare -rm sh "$0" "$@"
fi
NB=$1 BENCH=$2 SRC=$3 W=$4
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
rm -rf "$W"
mkdir -p "$W/full" "$W/ro"
fails=0 cases=0
NOLEAK="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
fail() {
	fails=$((fails + 1))
	echo "FAIL: $*"
}
ok() { echo "ok   $*"; }
if ! mount -t tmpfs -o size=1m nbfull "$W/full"; then
	echo "SKIP: cannot mount a tmpfs in the namespace"
	exit 77
fi

# fill DIR KEEP_KIB: fill DIR's filesystem but for about KEEP_KIB
fill() {
	rm -f "$1/.filler"
	avail=$(df -k --output=avail "$1" | tail -n 1)
	head -c $(((avail - $2) * 1024)) /dev/zero >"$1/.filler" 2>/dev/null
}
# same FILE TEXT WHAT: FILE still holds exactly TEXT
same() {
	if [ "$(cat "$1" 2>/dev/null)" != "$2" ]; then
		fail "$3: $1 lost its content (now: $(head -c 100 "$1" 2>/dev/null))"
		return 1
	fi
}
no_temps() {
	if find "$1" -name '*.tmp*' | grep -q .; then
		fail "$2: temporary files left: $(find "$1" -name '*.tmp*' | tr '\n' ' ')"
		return 1
	fi
}
# expect WHAT STATUS WANT_STATUS TEXT FILE...: status, and TEXT in one of the files
expect() {
	what=$1 st=$2 want=$3 text=$4
	shift 4
	cases=$((cases + 1))
	if [ "$st" -ne "$want" ]; then
		fail "$what: exit $st, want $want ($(cat "$@" 2>/dev/null | head -c 300))"
		return 1
	fi
	if ! cat "$@" 2>/dev/null | grep -q -F -e "$text"; then
		fail "$what: no '$text' in what it said ($(cat "$@" 2>/dev/null | head -c 300))"
		return 1
	fi
}

MU=$BENCH/mapunmap/nb-bench-mapunmap
MUF='--benchmark_filter=^mapunmap/emu/strict/size_kib:4$'

# 1. A benchmark's output on a full filesystem.
echo '{"old": "results"}' >"$W/full/out.json"
fill "$W/full" 2
env "$NOLEAK" "$MU" "$MUF" --benchmark_min_time=0.001 --benchmark_out="$W/full/out.json" >"$W/o" 2>"$W/e"
expect "benchmark --benchmark_out on a full disk" $? 1 "No space left on device" "$W/e" &&
	same "$W/full/out.json" '{"old": "results"}' "benchmark --benchmark_out on a full disk" &&
	no_temps "$W/full" "benchmark --benchmark_out on a full disk" && ok "benchmark --benchmark_out on a full disk: exit 1, old file kept"

# 2. nestbench run on a full filesystem: the family cannot publish its JSON.
rm -rf "$W/full/run" "$W/full/out.json" "$W/full/.filler"
mkdir -p "$W/full/run/raw" "$W/fake/mapunmap"
echo '{"old": "mapunmap results"}' >"$W/full/run/raw/mapunmap.json"
cat >"$W/fake/mapunmap/nb-bench-mapunmap" <<EOF
#!/bin/sh
exec "$MU" "\$@" '$MUF' --benchmark_min_time=0.001
EOF
chmod +x "$W/fake/mapunmap/nb-bench-mapunmap"
fill "$W/full" 6
env "$NOLEAK" NB_BENCH_DIR="$W/fake" "$NB" run --out="$W/full/run" --families=mapunmap --no-report \
	>"$W/o" 2>"$W/e"
expect "nestbench run --out on a full disk" $? 1 "No space left on device" "$W/o" "$W/e" "$W/full/run/raw/mapunmap.log" &&
	same "$W/full/run/raw/mapunmap.json" '{"old": "mapunmap results"}' "nestbench run on a full disk" &&
	no_temps "$W/full" "nestbench run on a full disk" && ok "nestbench run --out on a full disk: exit 1, old raw JSON kept"

# 3. An existing results folder that is read-only: refused before any family.
mkdir -p "$W/ro/raw"
echo '{"old": "mapunmap results"}' >"$W/ro/raw/mapunmap.json"
cat >"$W/fake/mapunmap/nb-bench-mapunmap" <<EOF
#!/bin/sh
: >"$W/family-ran"
exec "$MU" "\$@" '$MUF' --benchmark_min_time=0.001
EOF
if mount --bind "$W/ro" "$W/ro" && mount -o remount,bind,ro "$W/ro"; then
	env "$NOLEAK" NB_BENCH_DIR="$W/fake" "$NB" run --out="$W/ro" --families=mapunmap --no-report >"$W/o" 2>"$W/e"
	expect "nestbench run --out=READ-ONLY" $? 1 "cannot write results into $W/ro" "$W/e" && {
		if [ -e "$W/family-ran" ]; then fail "nestbench run --out=READ-ONLY: a family ran"; else
			ok "nestbench run --out=READ-ONLY: exit 1 before any family"; fi
	}
else
	fail "cannot make a read-only bind mount in the namespace"
fi

# 4. compare --markdown on a full filesystem: exit 4 (not the regression code).
rm -rf "$W/full/run" "$W/full/.filler"
echo "old verdict" >"$W/full/v.md"
printf '{"benchmarks": [%s]}\n' "$(for i in 1 2 3 4 5; do printf '%s{"name": "a", "run_type": "iteration", "iterations": 1, "real_time": %d, "cpu_time": %d, "time_unit": "ns"}' "$([ $i -gt 1 ] && echo ,)" "$i" "$i"; done)" >"$W/five.json"
fill "$W/full" 2
"$NB" compare "$W/five.json" "$W/five.json" --markdown="$W/full/v.md" >"$W/o" 2>"$W/e"
expect "compare --markdown on a full disk" $? 4 "No space left on device" "$W/e" &&
	same "$W/full/v.md" "old verdict" "compare --markdown on a full disk" &&
	no_temps "$W/full" "compare --markdown on a full disk" && ok "compare --markdown on a full disk: exit 4, old file kept"

# 5. The report generator on a full filesystem.
rm -f "$W/full/v.md" "$W/full/.filler"
mkdir -p "$W/full/rep"
cp -r "$SRC/tests/report/fixtures/results-degraded/raw" "$SRC/tests/report/fixtures/results-degraded/run.json" "$W/full/rep/"
echo "old page" >"$W/full/rep/index.html"
fill "$W/full" 2
"$PY" "$SRC/scripts/nb_report.py" "$W/full/rep" >"$W/o" 2>"$W/e"
st=$?
expect "nb_report on a full disk" "$st" 1 "No space left on device" "$W/e" &&
	{ [ "$(grep -c . "$W/e")" -eq 1 ] || { fail "nb_report on a full disk: not one line: $(head -c 300 "$W/e")"; false; }; } &&
	same "$W/full/rep/index.html" "old page" "nb_report on a full disk" &&
	no_temps "$W/full" "nb_report on a full disk" && ok "nb_report on a full disk: exit 1, one line, old index.html kept"

# 6. The trace converter's output on a full filesystem.
rm -rf "$W/full/rep" "$W/full/.filler"
printf '4242@1700000000.000100:vtd_iotlb_page_update IOTLB page update sid 0x10 iova 0x1000 slpte 0x2003 domain 0x1\n' >"$W/q.log"
mkdir -p "$W/full/conv"
fill "$W/full" 1
"$PY" "$SRC/scripts/nb_trace_convert.py" --vendor vtd --qemu-log "$W/q.log" --out "$W/full/conv" >"$W/o" 2>"$W/e"
expect "nb_trace_convert --out on a full disk" $? 1 "No space left on device" "$W/e" &&
	no_temps "$W/full" "nb_trace_convert on a full disk" && ok "nb_trace_convert --out on a full disk: exit 1"

umount "$W/ro" 2>/dev/null
umount "$W/full"
echo "test_full_disk: $cases cases, $fails failed"
[ "$fails" -eq 0 ]
