#!/bin/sh
# Bad input, everywhere (issue 8): every command-line flag of nestbench and
# its subcommands (env, translate, run, compare, merge), the benchmark binaries' own
# flags (--cpu, --no-perf) and malformed --benchmark_* flags, every key of a
# hardware description file (read by the benchmarks from NB_CONFIG_DIR), and
# the translate script. Input classes: wrong type, out of range, truncated,
# empty, huge, binary garbage. Every case must
#   - exit non-zero (exactly 2 where the program calls it a usage error),
#   - not crash (status < 128) and not hang (a timeout),
#   - print a message naming the input (the flag, FILE:LINE, the key) on
#     stderr (benchmark errors: in the results on stdout) in one line
#     (usage texts excepted),
# and an output that existed before the error keeps its content.
#
# Usage: test_bad_input.sh [--markdown] NESTBENCH BENCH_DIR SOURCE_DIR WORK_DIR
#   --markdown  also print every case as a row of the table in docs/bad-input.md
# ctest runs it (tests/cli/CMakeLists.txt, label "cli").
set -u

md=0
if [ "${1:-}" = --markdown ]; then
	md=1
	shift
fi
if [ $# -ne 4 ]; then
	echo "usage: $0 [--markdown] NESTBENCH BENCH_DIR SOURCE_DIR WORK_DIR" >&2
	exit 2
fi
NB=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
BENCH=$(cd "$2" && pwd)
SRC=$(cd "$3" && pwd)
W=$4
TO=${NB_BAD_INPUT_TIMEOUT:-60}
rm -rf "$W"
mkdir -p "$W"
W=$(cd "$W" && pwd)
cases=0
fails=0
# The benchmark binaries keep their registration contexts until exit, which
# LeakSanitizer reports (exit 1) in ASan builds: not checked for them.
NOLEAK="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
STREAM=err   # where the message must be: err, or any (stdout too)
STDIN=/dev/null
ALSO=""      # more text the message line must hold

fail() {
	fails=$((fails + 1))
	echo "FAIL: $*" >&2
}

# Markdown cell: bytes that are not printable ASCII as '?', the work and
# bench folders and the benchmark name before an error shortened, '|'
# escaped, at most 200 characters.
cell() {
	printf '%s' "$1" | tr '\n\t' '  ' | LC_ALL=C tr -c '[:print:]' '?' |
		sed "s#$W/#…/#g; s#$W#…#g; s#$BENCH/[a-z]*/##g; s#$SRC/#SRC/#g; s#^invalidate/[^ ]* ERROR OCCURRED#ERROR OCCURRED#; s#|#\\\\|#g" |
		cut -c1-200
}

# run_case INPUT CLASS WANT NAME MAXLINES -- COMMAND...
#   WANT: 2 (usage error), 1, or nz (any non-zero status)
#   NAME: text the message must contain (the flag, FILE:LINE, the key)
#   MAXLINES: lines allowed on stderr (1: one clear message)
run_case() {
	input=$1 class=$2 want=$3 name=$4 maxl=$5
	shift 6
	cases=$((cases + 1))
	timeout -k 5 "$TO" "$@" <"$STDIN" >"$W/out" 2>"$W/err"
	st=$?
	problem=""
	if [ "$st" -eq 124 ] || [ "$st" -eq 137 ]; then
		problem="hang: no exit within ${TO} s"
	elif [ "$st" -ge 128 ]; then
		problem="crash: status $st"
	elif [ "$st" -eq 0 ]; then
		problem="exit status 0"
	elif [ "$want" != nz ] && [ "$st" -ne "$want" ]; then
		problem="exit status $st, want $want"
	fi
	if [ "$STREAM" = any ]; then
		cat "$W/err" "$W/out" >"$W/msg"
	else
		cp "$W/err" "$W/msg"
	fi
	msg=$(grep -a -F -m 1 -e "$name" "$W/msg")
	lines=$(wc -l <"$W/err")
	if [ -z "$problem" ] && [ -z "$msg" ]; then
		problem="no message naming '$name' (stderr: $(head -c 300 "$W/err"))"
	elif [ -z "$problem" ] && [ -n "$ALSO" ] && ! printf '%s' "$msg" | grep -a -q -F -e "$ALSO"; then
		problem="the message does not say '$ALSO': $msg"
	elif [ -z "$problem" ] && [ "$lines" -gt "$maxl" ]; then
		problem="$lines lines on stderr, want at most $maxl: $(head -c 300 "$W/err")"
	fi
	if [ -n "$problem" ]; then
		fail "$input [$class]: $problem (command: $*)"
	fi
	if [ "$md" = 1 ]; then
		printf '| %s | %s | %s | %s |\n' "$(cell "$input")" "$(cell "$class")" "$st" \
			"$(cell "${msg:-$(head -n 1 "$W/msg")}")"
	fi
	STREAM=err
	STDIN=/dev/null
	ALSO=""
}

# keeps FILE TEXT WHAT: FILE still holds exactly TEXT after an error.
keeps() {
	if [ "$(cat "$1" 2>/dev/null)" != "$2" ]; then
		fail "$3: $1 lost its content (now: $(head -c 100 "$1" 2>/dev/null))"
	fi
}

section() {
	[ "$md" = 1 ] && printf '\n### %s\n\n| input | class | exit | message |\n|---|---|---|---|\n' "$1"
	:
}

# ---- nestbench --------------------------------------------------------------
section "nestbench (front door)"
run_case "nestbench (no command)" empty 2 "usage: nestbench" 20 -- "$NB"
run_case "nestbench --bogus" "unknown flag" 2 "'--bogus'" 1 -- "$NB" --bogus
run_case "nestbench bogus" "unknown command" 2 "'bogus'" 1 -- "$NB" bogus
run_case "nestbench ''" empty 2 "unknown command ''" 1 -- "$NB" ""
run_case "nestbench <binary>" "binary garbage" 2 "unknown command" 1 -- "$NB" "$(printf '\001\377\376')"
run_case "nestbench <100 KB word>" huge 2 "unknown command" 1 -- "$NB" "$(head -c 100000 /dev/zero | tr '\0' x)"
run_case "nestbench version x" "extra argument" 2 "takes no arguments ('x')" 1 -- "$NB" version x

section "standard output that cannot be written (a full disk: /dev/full)"
# What a command prints is its result: exit 4 (the benchmarks: 1), one line
# naming standard output, never 0 (cli/main.c, scripts/nb_stdout.py, shim).
printf '#!/bin/sh\nexec "$@" >/dev/full\n' >"$W/tofull"
chmod +x "$W/tofull"
tofull=$W/tofull
for c in version list env "translate $SRC/examples/nested-x86-over-vtd.nbt" --help; do
	# shellcheck disable=SC2086 # the command's words
	run_case "nestbench $c >/dev/full" "write failed" 4 "standard output could not be written: No space left" 1 -- \
		"$tofull" "$NB" $c
done
run_case "compare >/dev/full" "write failed" 4 "nb_compare: standard output could not be written: No space left" 1 -- \
	"$tofull" "$NB" compare --allow-missing "$SRC/tests/report/fixtures/compare/base.json" \
	"$SRC/tests/report/fixtures/compare/new.json"
run_case "nb-bench-invalidate --describe >/dev/full" "write failed" 1 "standard output could not be written" 1 -- \
	"$tofull" env "$NOLEAK" "$BENCH/invalidate/nb-bench-invalidate" --describe
run_case "nb-bench-invalidate (console) >/dev/full" "write failed" 1 "standard output could not be written" 40 -- \
	"$tofull" env "$NOLEAK" "$BENCH/invalidate/nb-bench-invalidate" \
	--benchmark_filter='^invalidate/vtd/batch/nested:1/devices:1/pages:1/'

section "nestbench env"
run_case "env --bogus" "unknown flag" 2 "'--bogus'" 1 -- "$NB" env --bogus
run_case "env --json=1" "wrong type (value on a switch)" 2 "'--json=1'" 1 -- "$NB" env --json=1
run_case "env json" "extra argument" 2 "'json'" 1 -- "$NB" env json

section "nestbench list"
run_case "list bogus" "unknown list" 2 "unknown list 'bogus' (lists: models, formats, families, backends" 1 -- "$NB" list bogus
run_case "list --bogus" "unknown flag" 2 "unknown option '--bogus'" 1 -- "$NB" list --bogus
run_case "list models formats" "extra argument" 2 "'formats': one list at a time" 1 -- "$NB" list models formats
mkdir -p "$W/nocfg"
# NB_CONFIG_DIR= (empty) is unset, as NB_REPORTS_DIR: the source tree's
# configs, not "/vtd.cfg" (nestbench and the benchmarks alike)
if ! env NB_CONFIG_DIR= "$NB" list models >"$W/out" 2>"$W/err" || [ -s "$W/err" ]; then
	fail "NB_CONFIG_DIR= nestbench list models: not the default configs: $(head -c 200 "$W/err")"
fi
if ! env "$NOLEAK" NB_CONFIG_DIR= "$BENCH/invalidate/nb-bench-invalidate" \
	--benchmark_filter='^invalidate/vtd/batch/nested:1/devices:1/pages:1/' >"$W/out" 2>"$W/err"; then
	fail "NB_CONFIG_DIR= nb-bench-invalidate: not the default configs: $(grep -m 1 ERROR "$W/out")"
fi
run_case "list models, NB_CONFIG_DIR empty" "missing file" 1 "model vtd: $W/nocfg/vtd.cfg: No such file" 8 -- \
	env NB_CONFIG_DIR="$W/nocfg" "$NB" list models

# ---- translate ---------------------------------------------------------------
section "nestbench translate: command line"
run_case "translate" "missing SCRIPT" 2 "expects one SCRIPT" 1 -- "$NB" translate
run_case "translate a b" "extra argument" 2 "expects one SCRIPT" 1 -- "$NB" translate a b
run_case "translate --bogus" "unknown flag" 2 "'--bogus'" 1 -- "$NB" translate --bogus
run_case "translate MISSING" "missing file" 1 "$W/missing.nbt: No such file" 1 -- "$NB" translate "$W/missing.nbt"
run_case "translate DIR" "a folder" 1 "$W: read error: Is a directory" 1 -- "$NB" translate "$W"

section "nestbench translate: the script"
# script NAME TEXT WANT_LINE CLASS MESSAGE: a script file, run, and its error line
script() {
	printf '%b' "$2" >"$W/$1.nbt"
	ALSO=$5
	run_case "script: $1" "$4" 1 "$W/$1.nbt:$3: " 1 -- "$NB" translate "$W/$1.nbt"
}
script binary '\211PNG\r\n\032\n\377\376\000\001' 1 "binary garbage" "not text"
script nul 'stage1 x86_64\nmap1 0x1000\000 0x2000 4K\n' 2 "binary garbage (NUL byte)" "NUL byte"
script truncated 'stage1 x86_64\nmap1 0x1000 0x2000' 2 truncated "usage: map1"
script long_line "$(head -c 3000 /dev/zero | tr '\0' a)\n" 1 "huge (3000-byte line)" "line longer than"
script too_many_words 'stage1 x86_64 a b c d e f g h\n' 1 huge "too many words"
script unknown 'frobnicate 1\n' 1 "unknown statement" "unknown statement 'frobnicate'"
script no_format 'stage1\n' 1 truncated "needs a FORMAT"
script bad_format 'stage2 ppc\n' 1 "out of range (format)" "unknown page-table format 'ppc'"
script bad_option 'stage1 x86_64 color=red\n' 1 "unknown option" "unknown option 'color'"
script option_no_value 'stage1 x86_64 ia\n' 1 "wrong type" "'ia' must be key=value"
script ia_range 'stage1 x86_64 ia=99\n' 1 "out of range" "'ia=99'"
script ia_type 'stage1 arm_s1 ia=big\n' 1 "wrong type" "ia: 'big' is not a number"
script levels_range 'stage2 vtdss levels=9\n' 1 "out of range" "'levels=9'"
script ram_one_stage 'stage2 vtdss\nguest-ram 0x40000000 16M\ntranslate 0x1000\n' 3 "guest-ram with one stage (was ignored)" "guest-ram (line 2) needs both stage1 and stage2"
script ram_one_stage_end 'stage1 x86_64\nguest-ram 0x40000000 16M\n' 2 "guest-ram with one stage, nothing after it" "guest-ram needs both stage1 and stage2"
script ram_twice 'stage1 x86_64\nstage2 vtdss\nguest-ram 0x40000000 16M\nguest-ram 0x80000000 16M\n' 4 "twice" "guest-ram declared twice (line 3)"
script levels_geometry 'stage2 vtdss ia=48 levels=3\n' 1 "out of range (geometry)" "vtdss"
script granule 'stage1 arm_s1 granule=8K\n' 1 "out of range" "'granule=8K'"
script granule_x86 'stage1 x86_64 granule=64K\n' 1 "out of range (format)" "granule"
script twice 'stage1 x86_64\nstage1 x86_64\n' 2 "repeated" "stage1 declared twice"
script late_stage 'stage1 x86_64\nmap1 0x1000 0x2000 4K\nstage2 vtdss\n' 3 "out of order" "must come before"
script no_stage 'map1 0x1000 0x2000 4K\n' 1 "out of order" "declare stage1"
script map_type 'stage1 x86_64\nmap1 0x1000 abc 4K\n' 2 "wrong type" "output address: 'abc' is not a number"
script map_overflow 'stage1 x86_64\nmap1 0x1ffffffffffffffff 0 4K\n' 2 "huge (> 64 bits)" "does not fit in 64 bits"
script map_suffix 'stage1 x86_64\nmap1 0x1000 0x2000 4Q\n' 2 "wrong type" "unknown suffix"
script map_size0 'stage1 x86_64\nmap1 0x1000 0x2000 0\n' 2 "out of range (empty size)" "size 0"
script map_unaligned 'stage1 x86_64\nmap1 0x1001 0x2000 4K\n' 2 "out of range (alignment)" "map:"
script map_noncanonical 'stage1 x86_64\nmap1 0x800000000000 0 4K\n' 2 "out of range (IOVA)" "outside"
script map_huge 'stage1 x86_64\nmap1 0x1000 0x2000 0x7ffff0000000\n' 2 "huge (table memory runs out)" "no 4096-byte block left"
script map_overlap 'stage1 x86_64\nmap1 0x1000 0x2000 4K\nmap1 0x1000 0x3000 4K\n' 3 "repeated" "overlaps"
script map_prot 'stage1 x86_64\nmap1 0x1000 0x2000 4K rwq\n' 2 "wrong type (PROT)" "permission 'rwq'"
script map_args 'stage1 x86_64\nmap1 0x1000 0x2000 4K rw extra\n' 2 "extra argument" "usage: map1"
script map2_undeclared 'stage1 x86_64\nmap2 0x1000 0x2000 4K\n' 2 "out of order" "stage 2 was not declared"
script unmap_partial 'stage1 x86_64\nmap1 0 0 2M\nunmap1 0x1000 4K\n' 3 "out of range (partial superpage)" "unmap"
script ram_huge 'stage2 vtdss\nstage1 x86_64\nguest-ram 0x40000000 1T\nmap1 0 0 4K\n' 4 "huge (guest RAM)" "guest RAM"
script ram_args 'guest-ram 0x40000000\n' 1 truncated "usage: guest-ram"
# guest RAM (the stage-1 tables' home) above what a stage-1 entry can address:
# x86-64 entries hold at most 52 address bits (Intel SDM vol. 3A, 4.1.4:
# MAXPHYADDR is at most 52), so RAM at IPA 2^54 behind a 56-bit stage 2 cannot hold them
# (fuzz_script found the arena read out of bounds when the tables were freed)
script ram_above_s1_oa 'stage2 vtdss ia=56\nstage1 x86_64 ia=48\nguest-ram 0x40000000000000 2M\nmap1 0x2000 0x80000000 4K\n' 4 "out of range (guest RAM above stage 1's output size)" "above stage 1's 52-bit output addresses"
script translate_type 'stage1 x86_64\ntranslate here\n' 2 "wrong type" "IOVA: 'here' is not a number"
script translate_prot 'stage1 x86_64\ntranslate 0 q\n' 2 "wrong type (PROT)" "permission 'q'"
printf 'stage1 x86_64\nmap1 0x1000 0x2000 4K\nbogus\n' >"$W/stdin.nbt"
STDIN=$W/stdin.nbt
run_case "translate - (stdin)" "unknown statement" 1 "<stdin>:3: unknown statement 'bogus'" 1 -- "$NB" translate -

# ---- run -----------------------------------------------------------------------
section "nestbench run"
run_case "run --bogus" "unknown flag" 2 "'--bogus'" 1 -- "$NB" run --bogus
run_case "run --quick=1" "wrong type (value on a switch)" 2 "'--quick=1'" 1 -- "$NB" run --quick=1
run_case "run extra" "extra argument" 2 "'extra'" 1 -- "$NB" run extra
run_case "run --repetitions=abc" "wrong type" 2 "--repetitions: 'abc'" 1 -- "$NB" run --repetitions=abc
run_case "run --repetitions=" empty 2 "--repetitions: ''" 1 -- "$NB" run --repetitions=
run_case "run --repetitions=0" "out of range" 2 "--repetitions: '0'" 1 -- "$NB" run --repetitions=0
run_case "run --repetitions=101" "out of range" 2 "--repetitions: '101'" 1 -- "$NB" run --repetitions=101
run_case "run --repetitions=4294967297" "huge (wraps to 1 as an int)" 2 "--repetitions: '4294967297'" 1 -- "$NB" run --repetitions=4294967297
run_case "run --repetitions 3" "truncated (no =)" 2 "'--repetitions'" 1 -- "$NB" run --repetitions 3
run_case "run --cpu=abc" "wrong type" 2 "--cpu: 'abc'" 1 -- "$NB" run --cpu=abc
run_case "run --cpu=-1" "out of range" 2 "--cpu: '-1'" 1 -- "$NB" run --cpu=-1
run_case "run --cpu=4294967297" "huge (wraps to 1 as an int)" 2 "--cpu: '4294967297'" 1 -- "$NB" run --cpu=4294967297
run_case "run --cpu=" empty 2 "--cpu: ''" 1 -- "$NB" run --cpu=
run_case "run --set=foo" "not KEY=VALUE" 2 "--set: 'foo' is not KEY=VALUE" 1 -- "$NB" run --set=foo
run_case "run --families=bogus" "out of range" 2 "unknown family 'bogus'" 1 -- "$NB" run --families=bogus
run_case "run --families=" empty 2 "--families: empty" 1 -- "$NB" run --families=
run_case "run --families=,pgwalk" "truncated list" 2 "unknown family ''" 1 -- "$NB" run --families=,pgwalk
run_case "run --families=<binary>" "binary garbage" 2 "unknown family" 1 -- "$NB" run "--families=$(printf '\001\377')"
run_case "run --out=" empty 2 "--out: empty" 1 -- "$NB" run --out=
run_case "run --out=/proc/nb" "unwritable folder" 1 "cannot create /proc/nb" 1 -- "$NB" run --out=/proc/nb --no-report

# A partial run over a results folder: pgwalk fails (its binary is handed a
# bad flag), mapunmap succeeds. The old pgwalk.json stays; mapunmap.json is
# replaced whole; run.json says what failed.
fake=$W/fakebench
mkdir -p "$fake/pgwalk" "$fake/mapunmap" "$W/runout/raw"
cat >"$fake/pgwalk/nb-bench-pgwalk" <<EOF
#!/bin/sh
exec "$BENCH/pgwalk/nb-bench-pgwalk" "\$@" --benchmark_repetitions=-1
EOF
cat >"$fake/mapunmap/nb-bench-mapunmap" <<EOF
#!/bin/sh
exec "$BENCH/mapunmap/nb-bench-mapunmap" "\$@" '--benchmark_filter=^mapunmap/emu/strict/size_kib:4\$' --benchmark_min_time=0.001
EOF
chmod +x "$fake/pgwalk/nb-bench-pgwalk" "$fake/mapunmap/nb-bench-mapunmap"
echo '{"old": "pgwalk results"}' >"$W/runout/raw/pgwalk.json"
echo '{"old": "mapunmap results"}' >"$W/runout/raw/mapunmap.json"
STREAM=any
run_case "run --out=DIR, a family fails" "partial run" 1 "pgwalk" 20 -- \
	env "$NOLEAK" NB_BENCH_DIR="$fake" "$NB" run --out="$W/runout" --families=pgwalk,mapunmap --no-report
keeps "$W/runout/raw/pgwalk.json" '{"old": "pgwalk results"}' "run: failed family"
grep -q '"benchmarks"' "$W/runout/raw/mapunmap.json" || fail "run: the family that succeeded did not write mapunmap.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s={f["name"]: f["status"] for f in d["families"]}; sys.exit(0 if s["pgwalk"] == "failed" and s["mapunmap"] == "ok" else 1)' \
	"$W/runout/run.json" || fail "run: run.json does not say pgwalk failed, mapunmap ok: $(cat "$W/runout/run.json")"
ls "$W/runout" "$W/runout/raw" | grep -q '\.tmp\.' && fail "run: temporary files left behind"

# Ctrl-C in the middle: exit 130, run.json says interrupted, old results stay.
cat >"$fake/pgwalk/nb-bench-pgwalk" <<'EOF'
#!/bin/sh
exec sleep 30
EOF
mkdir -p "$W/intr/raw"
echo '{"old": "pgwalk results"}' >"$W/intr/raw/pgwalk.json"
cases=$((cases + 1))
env "$NOLEAK" NB_BENCH_DIR="$fake" "$NB" run --out="$W/intr" --families=pgwalk --no-report >"$W/out" 2>"$W/err" &
pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do # until the family runs
	[ -f "$W/intr/raw/pgwalk.log" ] && break
	sleep 0.5
done
sleep 0.5
kill -INT "$pid"
wait "$pid"
st=$?
[ "$st" -eq 130 ] || fail "run: interrupted run exited $st, want 130"
keeps "$W/intr/raw/pgwalk.json" '{"old": "pgwalk results"}' "run: interrupted family"
grep -q '"interrupted"' "$W/intr/run.json" 2>/dev/null || fail "run: run.json does not say interrupted"
[ "$md" = 1 ] && printf '| %s | %s | %s | %s |\n' "run --out=DIR, Ctrl-C during a family" "interrupted" "$st" \
	"$(cell "$(grep -m 1 interrupted "$W/out")")"

# check INPUT CLASS STATUS MESSAGE PROBLEM: a case run by hand (signals,
# several processes); PROBLEM empty: it passed. MESSAGE goes to the table.
check() {
	cases=$((cases + 1))
	[ -n "$5" ] && fail "$1 [$2]: $5"
	[ "$md" = 1 ] && printf '| %s | %s | %s | %s |\n' "$(cell "$1")" "$(cell "$2")" "$3" "$(cell "$4")"
	:
}

# A benchmark binary as an older build has it: its temporary output exists
# while it runs; it says its pid and waits. (Asked what it runs, --describe,
# it answers as the real one: nestbench run plans before it runs.)
cat >"$fake/pgwalk/nb-bench-pgwalk" <<SLOW
#!/bin/sh
case " \$* " in *" --describe "*) exec "$BENCH/pgwalk/nb-bench-pgwalk" "\$@" ;; esac
SLOW
cat >>"$fake/pgwalk/nb-bench-pgwalk" <<'SLOW'
for a; do case "$a" in --benchmark_out=*) out=${a#--benchmark_out=} ;; esac; done
: >"$out.tmp.$$"
echo "$$" >"${out%/raw/*}/raw/child.pid" # raw/X.json or raw/parts/X.K.json
exec sleep 30
SLOW
# start_slow DIR: nestbench run on DIR in the background (pid in $pid), once
# its benchmark child runs (pid in $child)
start_slow() {
	rm -rf "$1"
	mkdir -p "$1/raw"
	echo '{"old": "pgwalk results"}' >"$1/raw/pgwalk.json"
	env "$NOLEAK" NB_BENCH_DIR="$fake" "$NB" run --out="$1" --families=pgwalk --no-report >"$W/out" 2>"$W/err" &
	pid=$!
	child=""
	for _ in $(seq 1 40); do
		[ -s "$1/raw/child.pid" ] && child=$(cat "$1/raw/child.pid") && break
		sleep 0.25
	done
}
gone() { # PID: it ends within 5 s
	for _ in $(seq 1 20); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.25
	done
	return 1
}

# SIGTERM: said as SIGTERM, exit 143, the child stopped, its temporary gone.
start_slow "$W/term"
kill -TERM "$pid"
wait "$pid"
st=$?
p=""
[ "$st" -eq 143 ] || p="exit $st, want 143"
grep -q 'stopped by SIGTERM' "$W/term/run.json" 2>/dev/null ||
	p="$p; run.json does not say SIGTERM: $(cat "$W/term/run.json" 2>/dev/null)"
ls "$W/term/raw" | grep -q '\.tmp\.' && p="$p; temporary files left: $(ls "$W/term/raw" | tr '\n' ' ')"
if [ -n "$child" ] && ! gone "$child"; then
	p="$p; the benchmark child $child still runs"
	kill "$child"
fi
keeps "$W/term/raw/pgwalk.json" '{"old": "pgwalk results"}' "run: SIGTERM"
check "run --out=DIR, SIGTERM during a family" "signal (SIGTERM)" "$st" "$(grep -m 1 interrupted "$W/out")" "$p"

# SIGKILL of nestbench: the benchmark child goes too (its parent-death signal).
start_slow "$W/kill"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
p=""
[ -z "$child" ] && p="the benchmark child never started"
if [ -n "$child" ] && ! gone "$child"; then
	p="the benchmark child $child still runs after its parent's SIGKILL"
	kill "$child"
fi
check "run, nestbench killed (SIGKILL)" "signal (SIGKILL of the parent)" 137 \
	"(the benchmark child ends with it)" "$p"

# Two runs on one --out: the second is refused before running anything.
start_slow "$W/lock"
STREAM=any
run_case "run --out=DIR while another run writes DIR" "two runs, one folder" 1 \
	"is the results folder of another nestbench run" 1 -- \
	env "$NOLEAK" NB_BENCH_DIR="$fake" "$NB" run --out="$W/lock" --families=mapunmap --no-report
kill -TERM "$pid"
wait "$pid"

# Three runs started together get three folders (the name has the second).
rm -rf "$W/reports"
for k in 1 2 3; do
	env "$NOLEAK" NB_BENCH_DIR="$fake" NB_REPORTS_DIR="$W/reports" "$NB" run --families=mapunmap \
		--no-report >"$W/out.$k" 2>&1 &
done
wait
n=0
for d in "$W"/reports/*; do # the folders, not the "latest" link
	[ ! -L "$d" ] && [ -f "$d/raw/mapunmap.json" ] && n=$((n + 1))
done
p=""
[ "$n" -eq 3 ] || p="$n results folders with raw/mapunmap.json, want 3: $(ls "$W/reports" 2>&1 | tr '\n' ' ')"
check "3 x run at once (NB_REPORTS_DIR=DIR)" "the same second" 0 \
	"$(ls "$W/reports" 2>/dev/null | grep -v '^latest$' | sed 's#^[0-9T]*Z-[0-9a-z]*#STAMP-COMMIT#' | tr '\n' ' ')" "$p"

mkdir -p "$W/nobench"
run_case "run, no benchmark binary built" "missing build" 1 "no benchmark binary in $W/nobench" 1 -- \
	env NB_BENCH_DIR="$W/nobench" "$NB" run --out="$W/nobenchout" --families=pgwalk,mapunmap --no-report
run_case "run --set=iotlb.entriez=8" "unknown key (before any family)" 2 "iotlb.entriez: unknown key" 1 -- \
	env "$NOLEAK" NB_BENCH_DIR="$fake" "$NB" run --out="$W/setbad" --families=mapunmap --no-report \
	--set=iotlb.entriez=8
[ -e "$W/setbad" ] && fail "run --set=iotlb.entriez=8: $W/setbad was made: something ran"
run_case "run --set=iotlb.entries=32" "out of range for a model (vtd: 64 ways), fine on the defaults" 2 \
	"vtd.cfg (model vtd) with --set 'iotlb.entries=32'" 1 -- \
	env "$NOLEAK" NB_BENCH_DIR="$fake" "$NB" run --out="$W/setbad" --families=mapunmap --no-report \
	--set=iotlb.entries=32
# --set changes every model's hardware: a model or vendor of its own made every
# benchmark of the other models fail apart (exit 1, after running)
run_case "run --set=model=amd" "which model, not its hardware" 2 \
	"vtd.cfg (model vtd) with --set 'model=amd': --set changes every model's hardware" 1 -- \
	env "$NOLEAK" NB_BENCH_DIR="$fake" "$NB" run --out="$W/setbad" --families=mapunmap --no-report \
	--set=model=amd
run_case "run --set=vendor=smmuv3" "which vendor, not its hardware" 2 \
	"vtd.cfg (model vtd) with --set 'vendor=smmuv3': --set changes every model's hardware" 1 -- \
	env "$NOLEAK" NB_BENCH_DIR="$fake" "$NB" run --out="$W/setbad" --families=mapunmap --no-report \
	--set=vendor=smmuv3
[ -e "$W/setbad" ] && fail "run --set=model/vendor: $W/setbad was made: something ran"
# processes, shards, filters (issue 20): refused before any family runs
run_case "run --jobs=0" "out of range" 2 "--jobs: '0'" 1 -- "$NB" run --jobs=0
run_case "run --jobs=257" "out of range" 2 "--jobs: '257'" 1 -- "$NB" run --jobs=257
run_case "run --jobs=abc" "wrong type" 2 "--jobs: 'abc'" 1 -- "$NB" run --jobs=abc
run_case "run --jobs=" empty 2 "--jobs: ''" 1 -- "$NB" run --jobs=
run_case "run --cpu=0 --jobs=2" "flags that contradict" 2 "--cpu pins every benchmark to one CPU" 1 -- \
	"$NB" run --cpu=0 --jobs=2
run_case "run --shard=0/3" "out of range" 2 "--shard: '0/3' is not I/N" 1 -- "$NB" run --shard=0/3
run_case "run --shard=4/3" "out of range" 2 "--shard: '4/3': shard 4 of 3 does not exist" 1 -- "$NB" run --shard=4/3
run_case "run --shard=1/0" "out of range" 2 "--shard: '1/0'" 1 -- "$NB" run --shard=1/0
run_case "run --shard=abc" "wrong type" 2 "--shard: 'abc' is not I/N" 1 -- "$NB" run --shard=abc
run_case "run --shard=1/" truncated 2 "--shard: '1/'" 1 -- "$NB" run --shard=1/
run_case "run --shard=" empty 2 "--shard: ''" 1 -- "$NB" run --shard=
run_case "run --shard=1/99999999999" "huge" 2 "--shard: '1/99999999999'" 1 -- "$NB" run --shard=1/99999999999
run_case "run --filter=(" "not a regex" 2 "--filter: '(' is not a POSIX extended regex" 1 -- "$NB" run --filter='('
run_case "run --filter=" empty 2 "--filter: empty" 1 -- "$NB" run --filter=
run_case "run --filter=^nothing\$" "matches nothing" 2 "--filter: '^nothing\$' matches no benchmark" 3 -- \
	env "$NOLEAK" NB_BENCH_DIR="$fake" "$NB" run --out="$W/nomatch" --families=mapunmap --no-report '--filter=^nothing$'
run_case "NB_SHARD=2/1 run" "out of range (environment)" 2 "NB_SHARD: '2/1': shard 2 of 1 does not exist" 1 -- \
	env NB_SHARD=2/1 "$NB" run --out="$W/shardbad"
run_case "NB_SHARD=<binary> run" "binary garbage (environment)" 2 "NB_SHARD:" 1 -- \
	env NB_SHARD="$(printf '\001\377')" "$NB" run --out="$W/shardbad"
run_case "SLURM_ARRAY_TASK_ID=3 (1..7, 3 tasks) run" "an uneven job array" 2 "is not one of N evenly numbered shards" 1 -- \
	env SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=7 SLURM_ARRAY_TASK_COUNT=3 \
	"$NB" run --out="$W/shardbad"
run_case "SLURM_ARRAY_TASK_ID=1 alone run" "truncated (environment)" 2 "SLURM_ARRAY_TASK_MIN is not" 1 -- \
	env SLURM_ARRAY_TASK_ID=1 "$NB" run --out="$W/shardbad"
run_case "SLURM_ARRAY_TASK_COUNT=x run" "wrong type (environment)" 2 "SLURM_ARRAY_TASK_COUNT='x' is not a number" 1 -- \
	env SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=2 SLURM_ARRAY_TASK_COUNT=x \
	"$NB" run --out="$W/shardbad"
[ -e "$W/shardbad" ] && fail "run with a bad shard: $W/shardbad was made: something ran"
printf 'pgwalk/chase/ws_kib:16\t0.1\n' >"$W/est-short.tsv"
printf 'pgwalk/chase/ws_kib:16\t-0.1\t1\n' >"$W/est-neg.tsv"
printf '\211PNG\000\377\t1\t1\n' >"$W/est-bin.tsv"
run_case "NB_ESTIMATES=FILE (a line with 2 fields)" "truncated" 2 "$W/est-short.tsv:1: want NAME<TAB>QUICK_S<TAB>DEFAULT_S" 1 -- \
	env NB_ESTIMATES="$W/est-short.tsv" "$NB" run --out="$W/estbad" --families=mapunmap
run_case "NB_ESTIMATES=FILE (-0.1 seconds)" "out of range" 2 "$W/est-neg.tsv:1: '-0.1' / '1': seconds must be numbers >= 0" 1 -- \
	env NB_ESTIMATES="$W/est-neg.tsv" "$NB" run --out="$W/estbad" --families=mapunmap
run_case "NB_ESTIMATES=FILE (binary)" "binary garbage" 2 "$W/est-bin.tsv:1: binary data" 1 -- \
	env NB_ESTIMATES="$W/est-bin.tsv" "$NB" run --out="$W/estbad" --families=mapunmap
run_case "NB_ESTIMATES=FOLDER" "a folder, not a file" 2 "$W: a folder, not an estimates file" 1 -- \
	env NB_ESTIMATES="$W" "$NB" run --out="$W/estbad" --families=mapunmap
[ -e "$W/estbad" ] && fail "run with a bad estimates file: $W/estbad was made: something ran"

# ---- merge -----------------------------------------------------------------------
section "nestbench merge"
mkdir -p "$W/merge/norun/raw" "$W/merge/notempty" "$W/merge/badjson"
: >"$W/merge/notempty/x"
printf '{"families": [' >"$W/merge/badjson/run.json"
run_case "merge" "missing DIR and --out" 2 "nb_merge: --out OUT is required" 1 -- "$NB" merge
run_case "merge DIR" "missing --out" 2 "--out OUT is required" 1 -- "$NB" merge "$W/merge/norun"
run_case "merge --out OUT" "missing DIR" 2 "give the folders to merge" 1 -- "$NB" merge --out "$W/merge/o1"
run_case "merge MISSING --out OUT" "missing folder" 2 "$W/merge/missing is not a folder" 1 -- \
	"$NB" merge "$W/merge/missing" --out "$W/merge/o2"
run_case "merge DIR (no run.json) --out OUT" "not a results folder" 2 "$W/merge/norun/run.json is missing" 1 -- \
	"$NB" merge "$W/merge/norun" --out "$W/merge/o3"
run_case "merge DIR (cut run.json) --out OUT" truncated 2 "$W/merge/badjson/run.json is not valid JSON" 1 -- \
	"$NB" merge "$W/merge/badjson" --out "$W/merge/o4"
run_case "merge DIR --out NONEMPTY" "an output folder with files" 2 "$W/merge/notempty exists and is not an empty folder" 1 -- \
	"$NB" merge "$W/merge/norun" --out "$W/merge/notempty"
run_case "merge DIR --out DIR" "the input as output" 2 "is one of the folders to merge" 1 -- \
	"$NB" merge "$W/merge/norun" --out "$W/merge/norun"
run_case "merge DIR --out /proc/nb" "unwritable output" 4 "/proc/nb: cannot create" 1 -- \
	"$NB" merge "$W/merge/norun" --out /proc/nb
run_case "merge --by-machine DIR --out OUT" "one machine" 2 "two or more with --by-machine" 1 -- \
	"$NB" merge --by-machine "$W/merge/norun" --out "$W/merge/o5"
run_case "merge --by-machine A=x/y B --out OUT" "a label that is not a name" 2 "label 'x/y'" 1 -- \
	"$NB" merge --by-machine "$W/runout=x/y" "$W/intr" --out "$W/merge/o6"
run_case "merge --by-machine A=m B=m --out OUT" "a label twice" 2 "two machines are labelled 'm'" 1 -- \
	"$NB" merge --by-machine "$W/runout=m" "$W/intr=m" --out "$W/merge/o7"
run_case "merge --by-machine --partial" "flags that contradict" 2 "--partial is for shards" 1 -- \
	"$NB" merge --by-machine --partial "$W/runout" "$W/intr" --out "$W/merge/o8"
run_case "merge --join-parts DIR DIR" "extra argument" 2 "--join-parts DIR takes no other" 1 -- \
	"$NB" merge --join-parts "$W/runout" "$W/intr"
run_case "merge --bogus" "unknown flag" 2 "unrecognized arguments: --bogus" 1 -- "$NB" merge --bogus

# ---- compare ---------------------------------------------------------------------
section "nestbench compare"
echo '{"context": {}, "benchmarks": []}' >"$W/none.json"
printf '' >"$W/empty.json"
printf '\211PNG\000\377' >"$W/binary.json"
printf '{"benchmarks": [{"name": "a", ' >"$W/truncated.json"
echo '[1, 2]' >"$W/list.json"
echo '{"benchmarks": [{"name": "a", "run_type": "iteration", "iterations": 1, "real_time": 1, "cpu_time": "fast", "time_unit": "ns"}]}' >"$W/type.json"
echo '{"benchmarks": [{"name": "a", "run_type": "iteration", "iterations": 1, "real_time": 1, "cpu_time": 1, "time_unit": "parsec"}]}' >"$W/unit.json"
head -c 3000000 /dev/zero | tr '\0' ' ' >"$W/huge.json"
echo '{"benchmarks": [{"name": "a", "run_type": "iteration", "iterations": 1, "real_time": 1, "cpu_time": 1, "time_unit": "ns"}]}' >"$W/good.json"
run_case "compare" "missing BASE NEW" 2 "required: BASE, NEW" 1 -- "$NB" compare
run_case "compare BASE" "missing NEW" 2 "required: NEW" 1 -- "$NB" compare "$W/good.json"
run_case "compare MISSING NEW" "missing file" 2 "$W/missing.json" 1 -- "$NB" compare "$W/missing.json" "$W/good.json"
run_case "compare EMPTY NEW" empty 2 "$W/empty.json: empty" 1 -- "$NB" compare "$W/empty.json" "$W/good.json"
run_case "compare BINARY NEW" "binary garbage" 2 "$W/binary.json: not text" 1 -- "$NB" compare "$W/binary.json" "$W/good.json"
run_case "compare TRUNCATED NEW" truncated 2 "$W/truncated.json: not valid JSON" 1 -- "$NB" compare "$W/truncated.json" "$W/good.json"
run_case "compare LIST NEW" "wrong type (document)" 2 "$W/list.json: no \"benchmarks\" list" 1 -- "$NB" compare "$W/list.json" "$W/good.json"
run_case "compare TYPE NEW" "wrong type (field)" 2 "$W/type.json: benchmarks[0] (a)" 1 -- "$NB" compare "$W/type.json" "$W/good.json"
run_case "compare UNIT NEW" "out of range (time_unit)" 2 "$W/unit.json: benchmarks[0] (a) has unknown time_unit" 1 -- "$NB" compare "$W/unit.json" "$W/good.json"
run_case "compare HUGE NEW" "huge (3 MB of blanks)" 2 "$W/huge.json: empty" 1 -- "$NB" compare "$W/huge.json" "$W/good.json"
run_case "compare NONE NONE" "empty (no benchmarks)" 2 "none.json: no benchmarks" 1 -- "$NB" compare "$W/none.json" "$W/none.json"
run_case "compare GOOD NONE" "empty benchmark array (NEW)" 2 "none.json: no benchmarks" 1 -- "$NB" compare "$W/good.json" "$W/none.json"
echo '{"benchmarks": [{"name": "a", "run_type": "iteration", "iterations": 1, "real_time": 1, "cpu_time": 1, "time_unit": "ns"}, {"name": "b", "run_type": "iteration", "iterations": 1, "real_time": 1, "cpu_time": 1, "time_unit": "ns"}]}' >"$W/two.json"
echo '{"benchmarks": [{"name": "a", "run_type": "iteration", "iterations": 0, "real_time": 0, "cpu_time": 0, "time_unit": "ns", "error_occurred": true, "error_message": "vtd.cfg:5: iotlb.entries: bad"}]}' >"$W/errored.json"
run_case "compare TWO ONE" "NEW lacks a benchmark of BASE" 2 "good.json lacks 1 of" 1 -- "$NB" compare "$W/two.json" "$W/good.json"
run_case "compare GOOD ERRORED" "an errored benchmark" 2 "errored.json: benchmarks[0] (a) reported an error: vtd.cfg:5" 1 -- "$NB" compare "$W/good.json" "$W/errored.json"
mkdir -p "$W/cmpdir/raw"
cp "$W/good.json" "$W/cmpdir/raw/a.json"
run_case "compare DIR FILE" "a folder against a file" 2 "is a results folder and" 1 -- "$NB" compare "$W/cmpdir" "$W/good.json"
run_case "compare --threshold=nan" "not a number" 2 "--threshold: nan" 1 -- "$NB" compare "$W/good.json" "$W/good.json" --threshold=nan
run_case "compare --threshold=inf" "huge" 2 "--threshold: inf" 1 -- "$NB" compare "$W/good.json" "$W/good.json" --threshold=inf
STREAM=any
run_case "compare GOOD GOOD (1 repetition each)" "too few repetitions" 3 "cannot reach p < 0.05" 0 -- "$NB" compare "$W/good.json" "$W/good.json"
run_case "compare --markdown=MISSING_DIR/v.md" "unwritable output" 4 "--markdown: $W/nodir/v.md" 1 -- \
	"$NB" compare "$W/good.json" "$W/good.json" --threshold-only --markdown="$W/nodir/v.md"
run_case "compare --json=/dev/full" "full disk (output)" 4 "/dev/full: write: No space left on device" 1 -- \
	"$NB" compare "$W/good.json" "$W/good.json" --threshold-only --json=/dev/full
(cd "$W" && "$NB" compare "$W/good.json" "$W/good.json" --threshold-only --json=- >"$W/stdout.json" 2>/dev/null)
st=$?
p=""
[ "$st" -eq 0 ] || p="exit $st"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$W/stdout.json" 2>/dev/null || p="$p; stdout is not JSON alone"
[ -e "$W/-" ] && p="$p; a file named '-' was written"
check "compare --json=-" "stdout" "$st" "(the JSON on stdout, the table on stderr)" "$p"
run_case "compare DIR DIR" "a folder without results" 2 "not a results folder" 1 -- "$NB" compare "$W" "$W"
run_case "compare --threshold=abc" "wrong type" 2 "--threshold" 1 -- "$NB" compare "$W/good.json" "$W/good.json" --threshold=abc
run_case "compare --threshold=-5" "out of range" 2 "--threshold" 1 -- "$NB" compare "$W/good.json" "$W/good.json" --threshold=-5
run_case "compare --alpha=2" "out of range" 2 "--alpha" 1 -- "$NB" compare "$W/good.json" "$W/good.json" --alpha=2
run_case "compare --metric=speed" "out of range" 2 "--metric" 1 -- "$NB" compare "$W/good.json" "$W/good.json" --metric=speed
run_case "compare --bogus" "unknown flag" 2 "--bogus" 1 -- "$NB" compare "$W/good.json" "$W/good.json" --bogus
echo "old verdict" >"$W/verdict.md"
run_case "compare BAD NEW --markdown=EXISTING" "output kept on error" 2 "$W/truncated.json" 1 -- \
	"$NB" compare "$W/truncated.json" "$W/good.json" --markdown="$W/verdict.md"
keeps "$W/verdict.md" "old verdict" "compare --markdown"

# ---- benchmark binaries -----------------------------------------------------------------
section "benchmark binaries (nb-bench-*): their own flags and --benchmark_*"
P=$BENCH/pgwalk/nb-bench-pgwalk
# one benchmark of the vtd model (it reads NB_CONFIG_DIR/vtd.cfg)
I=$BENCH/invalidate/nb-bench-invalidate
IF='--benchmark_filter=^invalidate/vtd/batch/nested:1/devices:1/pages:1/iterations:20$'
run_case "--cpu=abc" "wrong type" 2 "--cpu: 'abc'" 1 -- env "$NOLEAK" "$P" --cpu=abc
run_case "--cpu=" empty 2 "--cpu: ''" 1 -- env "$NOLEAK" "$P" --cpu=
run_case "--cpu=-1" "out of range" 2 "--cpu: '-1'" 1 -- env "$NOLEAK" "$P" --cpu=-1
run_case "--cpu=99999" "huge" 2 "--cpu: '99999'" 1 -- env "$NOLEAK" "$P" --cpu=99999
run_case "--cpu=4000" "out of range (not this machine's)" 2 "--cpu=4000: cannot pin" 1 -- env "$NOLEAK" "$P" --cpu=4000
run_case "--cpu 1" "truncated (no =)" 2 "'--cpu'" 1 -- env "$NOLEAK" "$P" --cpu 1
run_case "--quick=1" "wrong type (value on a switch)" 2 "'--quick=1'" 1 -- env "$NOLEAK" "$P" --quick=1
run_case "--describe=yes" "wrong type (value on a switch)" 2 "'--describe=yes'" 1 -- env "$NOLEAK" "$P" --describe=yes
run_case "--set=iotlb.entriez=8" "unknown key" 2 "--set iotlb.entriez: unknown key" 1 -- env "$NOLEAK" "$P" --set=iotlb.entriez=8
run_case "--set=iotlb.entries=x" "wrong type" 2 "--set iotlb.entries" 1 -- env "$NOLEAK" "$P" --set=iotlb.entries=x
run_case "--set=iotlb" "no value" 2 "--set 'iotlb': expected key=value" 1 -- env "$NOLEAK" "$P" --set=iotlb
run_case "--no-perf=1" "wrong type (value on a switch)" 2 "'--no-perf=1'" 1 -- env "$NOLEAK" "$P" --no-perf=1
run_case "--bogus" "unknown flag" 2 "'--bogus'" 1 -- env "$NOLEAK" "$P" --bogus
run_case "<binary argument>" "binary garbage" 2 "unrecognized argument" 1 -- env "$NOLEAK" "$P" "$(printf '\001\377')"
run_case "--benchmark_filter=[" "wrong type (not a regex)" 2 "Could not compile benchmark re" 1 -- env "$NOLEAK" "$P" "--benchmark_filter=["
run_case "--benchmark_filter=nomatch" "out of range (matches nothing)" 2 "nomatch" 1 -- env "$NOLEAK" "$P" --benchmark_filter=nomatch
run_case "--benchmark_min_time=abc" "wrong type" 2 "'--benchmark_min_time=abc'" 1 -- env "$NOLEAK" "$P" --benchmark_min_time=abc
run_case "--benchmark_min_time=-1" "out of range" 2 "'--benchmark_min_time=-1'" 1 -- env "$NOLEAK" "$P" --benchmark_min_time=-1
run_case "--benchmark_min_time=1e999" huge 2 "'--benchmark_min_time=1e999'" 1 -- env "$NOLEAK" "$P" --benchmark_min_time=1e999
run_case "--benchmark_min_warmup_time=-1" "out of range" 2 "'--benchmark_min_warmup_time=-1'" 1 -- env "$NOLEAK" "$P" --benchmark_min_warmup_time=-1
run_case "--benchmark_repetitions=abc" "wrong type" 2 "'--benchmark_repetitions=abc'" 1 -- env "$NOLEAK" "$P" --benchmark_repetitions=abc
run_case "--benchmark_repetitions=-1" "out of range (library aborted)" 2 "'--benchmark_repetitions=-1'" 1 -- env "$NOLEAK" "$P" --benchmark_repetitions=-1
run_case "--benchmark_repetitions=0" "out of range" 2 "'--benchmark_repetitions=0'" 1 -- env "$NOLEAK" "$P" --benchmark_repetitions=0
run_case "--benchmark_repetitions=99999999999" huge 2 "'--benchmark_repetitions=99999999999'" 1 -- env "$NOLEAK" "$P" --benchmark_repetitions=99999999999
run_case "--benchmark_format=xml" "out of range" 2 "'--benchmark_format=xml'" 1 -- env "$NOLEAK" "$P" --benchmark_format=xml
run_case "--benchmark_out_format=" empty 2 "'--benchmark_out_format='" 1 -- env "$NOLEAK" "$P" --benchmark_out_format=
run_case "--benchmark_time_unit=h" "out of range" 2 "'--benchmark_time_unit=h'" 1 -- env "$NOLEAK" "$P" --benchmark_time_unit=h
run_case "--benchmark_color=" empty 2 "'--benchmark_color='" 1 -- env "$NOLEAK" "$P" --benchmark_color=
run_case "--benchmark_list_tests=maybe" "wrong type (bool)" 2 "'--benchmark_list_tests=maybe'" 1 -- env "$NOLEAK" "$P" --benchmark_list_tests=maybe
run_case "--benchmark_counters_tabular=2" "wrong type (bool)" 2 "'--benchmark_counters_tabular=2'" 1 -- env "$NOLEAK" "$P" --benchmark_counters_tabular=2
run_case "--benchmark_context=x" "wrong type (not k=v)" 2 "'--benchmark_context=x'" 1 -- env "$NOLEAK" "$P" --benchmark_context=x
run_case "--benchmark_out=" empty 2 "'--benchmark_out='" 1 -- env "$NOLEAK" "$P" --benchmark_out=
run_case "--benchmark_out=/nonexistent/x.json" "unwritable file" 2 "'/nonexistent/x.json'" 1 -- env "$NOLEAK" "$P" --benchmark_out=/nonexistent/x.json
echo "old results" >"$W/old.json"
run_case "--benchmark_out=EXISTING --bogus" "output kept on error" 2 "'--bogus'" 1 -- env "$NOLEAK" "$P" --benchmark_out="$W/old.json" --bogus
keeps "$W/old.json" "old results" "benchmark --benchmark_out with a bad flag"
run_case "--benchmark_out=EXISTING --benchmark_filter=nomatch" "output kept on error" 2 "nomatch" 1 -- \
	env "$NOLEAK" "$P" --benchmark_out="$W/old.json" --benchmark_filter=nomatch
keeps "$W/old.json" "old results" "benchmark --benchmark_out with no match"
run_case "--benchmark_out=EXISTING --cpu=abc" "output kept on error" 2 "--cpu: 'abc'" 1 -- env "$NOLEAK" "$P" --benchmark_out="$W/old.json" --cpu=abc
keeps "$W/old.json" "old results" "benchmark --benchmark_out with a bad --cpu"
ls "$W" | grep -q 'old\.json\.tmp' && fail "benchmark: temporary output left behind"
for b in "$BENCH"/*/nb-bench-*; do
	[ -x "$b" ] || continue
	case "$b" in */nb-bench-overhead) continue ;; esac # the shim's own probe, no common main
	run_case "$(basename "$b") --bogus" "unknown flag (every family)" 2 "'--bogus'" 1 -- env "$NOLEAK" "$b" --bogus
	run_case "$(basename "$b") --cpu=x" "wrong type (every family)" 2 "--cpu: 'x'" 1 -- env "$NOLEAK" "$b" --cpu=x
done
STREAM=any
run_case "--benchmark_out=/dev/full" "full disk (output)" 1 "/dev/full: write: No space left on device" 100 -- \
	env "$NOLEAK" "$BENCH/mapunmap/nb-bench-mapunmap" '--benchmark_filter=^mapunmap/emu/strict/size_kib:4$' \
	--benchmark_min_time=0.001 --benchmark_out=/dev/full

# ok_case LABEL CLASS COMMAND...: must exit 0 without an error in its results
ok_case() {
	label=$1 class=$2
	shift 2
	timeout -k 5 "$TO" "$@" >"$W/out" 2>"$W/err" </dev/null
	st=$?
	p=""
	[ "$st" -eq 0 ] || p="exit $st: $(grep -m 1 -e ERROR -e error "$W/out" "$W/err" | head -c 300)"
	grep -q 'ERROR OCCURRED' "$W/out" && p="$p; $(grep -m 1 'ERROR OCCURRED' "$W/out" | head -c 300)"
	check "$label" "$class" "$st" "(runs)" "$p"
}
# --set: the overrides together, checked against each model's own file;
# configs/README.md's own example must run on vtd.
ex=$(grep -o -- "--set '[^']*'" "$SRC/configs/README.md" | head -n 1 | sed "s/^--set '//; s/'\$//")
[ -n "$ex" ] || fail "no --set 'KEY=VALUE; ...' example in configs/README.md"
ok_case "--set='$ex' (configs/README.md's example)" "valid together, on vtd" env "$NOLEAK" "$I" "$IF" "--set=$ex"
ex=$(grep -o -- '--set=[a-z_.]*=[0-9A-Za-z]*' "$SRC/README.md" | head -n 1)
[ -n "$ex" ] || fail "no --set=KEY=VALUE example in README.md"
ok_case "$ex (README.md's example)" "valid on vtd" env "$NOLEAK" "$I" "$IF" "$ex"
ok_case "--set=iotlb.entries=32 --set=iotlb.ways=32" "valid together (vtd has 64 ways)" \
	env "$NOLEAK" "$I" "$IF" --set=iotlb.entries=32 --set=iotlb.ways=32
ok_case "--set=iotlb.ways=32 --set=iotlb.entries=32" "the other order" \
	env "$NOLEAK" "$I" "$IF" --set=iotlb.ways=32 --set=iotlb.entries=32
STREAM=any
run_case "--set=iotlb.entries=32" "out of range for a model (vtd: 64 ways), fine on the defaults" 2 \
	"vtd.cfg (model vtd) with --set 'iotlb.entries=32'" 1 -- env "$NOLEAK" "$P" --set=iotlb.entries=32
# the replay's traces (NB_TRACE_DIR): none, a name its benchmarks cannot hold, more
# configurations than the speed benchmarks take (they ran over nothing, or left
# traces out, unsaid)
R=$BENCH/replay/nb-bench-replay
mkdir -p "$W/tr-none" "$W/tr-long/$(printf 'c%.0s' $(seq 70))"
cp "$SRC/tests/traces/amd/nvme-4k.trace.gz" "$W/tr-long/$(printf 'c%.0s' $(seq 70))/"
for i in $(seq 17); do
	mkdir -p "$W/tr-many/c$i"
	cp "$SRC/tests/traces/amd/all.trace.gz" "$SRC/tests/traces/amd/nvme-4k.trace.gz" "$W/tr-many/c$i/"
done
run_case "NB_TRACE_DIR=<empty folder>" "no traces" 2 "tr-none: no traces" 2 -- \
	env "$NOLEAK" NB_TRACE_DIR="$W/tr-none" "$R" --quick --no-perf
run_case "NB_TRACE_DIR=<70-character configuration>" "name too long" 2 "nvme-4k.trace.gz: name too long" 1 -- \
	env "$NOLEAK" NB_TRACE_DIR="$W/tr-long" "$R" --quick --no-perf
run_case "NB_TRACE_DIR=<17 configurations>" "more than the speed benchmarks take" 2 \
	"more than 16 configurations" 1 -- env "$NOLEAK" NB_TRACE_DIR="$W/tr-many" "$R" --quick --no-perf

# ---- help -----------------------------------------------------------------------
section "help: -h is --help everywhere, and says what the program takes"
# help_case LABEL WORDS COMMAND...: exit 0, stdout holding each |-separated word
help_case() {
	label=$1 words=$2
	shift 2
	timeout -k 5 "$TO" "$@" >"$W/out" 2>"$W/err" </dev/null
	st=$?
	p=""
	[ "$st" -eq 0 ] || p="exit $st: $(head -c 200 "$W/err")"
	old_ifs=$IFS
	IFS='|'
	for w in $words; do
		grep -q -F -e "$w" "$W/out" || p="$p; no '$w' in the help"
	done
	IFS=$old_ifs
	check "$label" "help" "$st" "(names $(printf '%s' "$words" | sed 's/|/, /g'))" "$p"
}
for h in -h --help; do
	help_case "nestbench $h" "usage: nestbench|compare|(or -h)" "$NB" "$h"
	for c in env translate run version list; do
		help_case "nestbench $c $h" "usage: nestbench $c|Exit status" "$NB" "$c" "$h"
	done
	help_case "nestbench run $h" "--set=KEY=VALUE|NB_BENCH_DIR|NB_REPORTS_DIR|130|143" "$NB" run "$h"
	help_case "nestbench compare $h" "BASE|NEW|--alpha|--threshold-only|Exit status|inconclusive" "$NB" compare "$h"
	help_case "nestbench merge $h" "--out OUT|--by-machine|--partial|Exit status" "$NB" merge "$h"
	help_case "nestbench run $h (processes, shards)" "--jobs=N|--shard=I/N|--filter=REGEX|NB_SHARD|SLURM_ARRAY_TASK_ID|NB_ESTIMATES" "$NB" run "$h"
done
for b in "$BENCH"/*/nb-bench-*; do
	[ -x "$b" ] || continue
	fam=${b##*/nb-bench-}
	case "$fam" in overhead) continue ;; esac
	words="--cpu=N|--no-perf|--set=KEY=VALUE|--quick|--describe|-h, --help|NB_PERF_DEBUG|Exit status|--benchmark_filter"
	case "$fam" in
	replay) words="$words|NB_CONFIG_DIR|NB_TRACE_DIR" ;;
	mapunmap) words="$words|NB_CONFIG_DIR|NB_IOMMUFD_DEV" ;;
	pgwalk | invalidate | strategies) words="$words|NB_CONFIG_DIR" ;;
	esac
	for h in -h --help; do
		help_case "nb-bench-$fam $h" "$words" env "$NOLEAK" "$b" "$h"
	done
done

# ---- hardware description files ------------------------------------------------------------
# The invalidate family reads NB_CONFIG_DIR/<model>.cfg; one benchmark of the
# vtd model is run with a description that has one key broken at a time.
# Errors are in the results (stdout) and make the binary exit 1.
section "hardware description files (NB_CONFIG_DIR/vtd.cfg, every key)"
CFG=$W/cfg
mkdir -p "$CFG"

# One key per line, each line ending in "# KEY" so the test knows its line.
gen_cfg() { # BADKEY BADVALUE
	awk -v bad="$1" -v val="$2" '
	function kv(key, v) { if (key == bad) v = val; printf "%s = %s; # %s\n", substr(key, index(key, ".") + 1), v, key }
	function cache(g, e, w, r, extra, xv) {
		printf "%s = {\n", g
		kv(g ".entries", e); kv(g ".ways", w); kv(g ".replacement", "\"" r "\"")
		if (extra != "") kv(g "." extra, xv)
		kv(g ".lookup_ns", 2)
		print "};"
	}
	BEGIN {
		kv("model", "\"vtd\""); kv("vendor", "\"vtd\""); kv("mem_llc_ns", 40); kv("mem_dram_ns", 90); kv("mem_llc_lines", 16384)
		sizes = "[ \"4K\", \"2M\", \"1G\" ]"; levels = "[ 1, 2, 3 ]"
		cache("iotlb", 64, 64, "plru", "page_sizes", sizes)
		cache("pwc_s1", 32, 4, "lru", "levels", levels)
		cache("pwc_s2", 32, 4, "lru", "levels", levels)
		cache("nested_tlb", 64, 4, "lru", "", "")
		cache("ctx_cache", 64, 4, "lru", "", "")
		cache("devtlb", 64, 64, "lru", "page_sizes", sizes)
		print "costs = {"
		n = split("CC_INV IOTLB_GLOBAL IOTLB_DSI IOTLB_PSI DEVTLB PIOTLB_PASID PIOTLB_PSI PC_INV WAIT", ops, " ")
		for (i = 1; i <= n; i++) kv("costs." ops[i], ops[i] == "WAIT" ? 900 : ops[i] == "DEVTLB" ? 2500 : 150)
		print "};"
		print "policy = {"
		kv("policy.strict", "false"); kv("policy.fq_entries", 256); kv("policy.fq_timeout_us", 10000)
		kv("policy.range_max_pages", "4294967295L"); kv("policy.batch", "true")
		kv("policy.max_am", 18); kv("policy.ril", "false")
		print "};"
	}'
}

# cfg_case KEY VALUE CLASS [WHAT]: vtd.cfg with KEY = VALUE must fail at
# KEY's line, naming KEY (or WHAT; '-': nothing more than FILE:LINE).
cfg_case() {
	gen_cfg "$1" "$2" >"$CFG/vtd.cfg"
	line=$(grep -n "# $1\$" "$CFG/vtd.cfg" | cut -d: -f1)
	STREAM=any
	ALSO=${4:-$1}
	[ "$ALSO" = - ] && ALSO=""
	run_case "$1 = $2" "$3" 1 "$CFG/vtd.cfg:$line: " 100 -- env "$NOLEAK" NB_CONFIG_DIR="$CFG" "$I" "$IF"
}

# Control: the generated description itself is good.
gen_cfg "" "" >"$CFG/vtd.cfg"
if ! env "$NOLEAK" NB_CONFIG_DIR="$CFG" timeout "$TO" "$I" "$IF" >"$W/out" 2>"$W/err"; then
	fail "the generated vtd.cfg does not load: $(grep -m 1 ERROR "$W/out") $(head -c 300 "$W/err")"
fi

for key in mem_llc_ns mem_dram_ns mem_llc_lines iotlb.entries iotlb.ways iotlb.lookup_ns pwc_s1.entries \
	pwc_s1.ways pwc_s1.lookup_ns pwc_s2.entries pwc_s2.ways pwc_s2.lookup_ns nested_tlb.entries \
	nested_tlb.ways nested_tlb.lookup_ns ctx_cache.entries ctx_cache.ways ctx_cache.lookup_ns \
	devtlb.entries devtlb.ways devtlb.lookup_ns costs.CC_INV costs.IOTLB_GLOBAL costs.IOTLB_DSI \
	costs.IOTLB_PSI costs.DEVTLB costs.PIOTLB_PASID costs.PIOTLB_PSI costs.PC_INV costs.WAIT \
	policy.fq_entries policy.fq_timeout_us policy.range_max_pages policy.max_am; do
	cfg_case "$key" '"8"' "wrong type (string)"
	cfg_case "$key" '-1' "out of range (negative)"
done
for key in mem_dram_ns iotlb.entries costs.WAIT policy.range_max_pages; do
	cfg_case "$key" '99999999999999999999' "huge (> 64 bits)"
	cfg_case "$key" '1.5' "wrong type (float)"
done
cfg_case iotlb.entries 1048577 "out of range (> 2^20)"
cfg_case iotlb.ways 3 "out of range (does not divide entries)"
cfg_case pwc_s1.ways 0 "out of range (0 ways)"
cfg_case iotlb.lookup_ns 1000001 "out of range (> 10^6 ns)"
cfg_case mem_llc_lines 4194305 "out of range (> 2^22 lines)"
cfg_case policy.fq_entries 0 "out of range"
cfg_case policy.fq_timeout_us 0 "out of range"
cfg_case policy.max_am 64 "out of range"
cfg_case policy.range_max_pages 4294967296 "out of range (> 2^32 - 1)"
for key in policy.strict policy.batch policy.ril; do
	cfg_case "$key" 1 "wrong type (integer)"
	cfg_case "$key" '"true"' "wrong type (string)"
done
for key in model vendor iotlb.replacement pwc_s1.replacement pwc_s2.replacement nested_tlb.replacement \
	ctx_cache.replacement devtlb.replacement; do
	cfg_case "$key" 5 "wrong type (integer)"
	cfg_case "$key" '""' "empty"
done
cfg_case vendor '"bogus"' "out of range"
cfg_case iotlb.replacement '"fifo"' "out of range"
cfg_case model '"vtd@1"' "out of range (characters)"
cfg_case model "\"$(head -c 200 /dev/zero | tr '\0' m)\"" "huge (200 characters)"
for m in amd vtd_vmid; do # another vendor's model; another model of the vendor
	gen_cfg model "\"$m\"" >"$CFG/vtd.cfg"
	STREAM=any
	run_case "model = \"$m\"" "out of range (another model)" 1 "$CFG/vtd.cfg: model: '$m'" 100 -- \
		env "$NOLEAK" NB_CONFIG_DIR="$CFG" "$I" "$IF"
done
for key in iotlb.page_sizes devtlb.page_sizes; do
	cfg_case "$key" '"4K"' "wrong type (not a list)"
	cfg_case "$key" '[ "3K" ]' "out of range (not a power of two)"
	cfg_case "$key" '[ ]' "empty"
done
cfg_case iotlb.page_sizes '[ "8T" ]' "huge"
cfg_case iotlb.page_sizes '[ 4096 ]' "wrong type (integer item)"
for key in pwc_s1.levels pwc_s2.levels; do
	cfg_case "$key" 1 "wrong type (not a list)"
	cfg_case "$key" '[ 0 ]' "out of range (level 0)"
	cfg_case "$key" '[ 6 ]' "out of range (level 6)"
	cfg_case "$key" '[ ]' "empty"
done
cfg_case pwc_s1.entries '' "empty value (syntax)" -

# Whole-file classes.
# file_case NAME CLASS NAME_IN_MESSAGE: CFG/vtd.cfg as prepared by the caller
file_case() {
	STREAM=any
	# the benchmark's error, not the context line that names the file too
	run_case "vtd.cfg: $1" "$2" 1 "ERROR OCCURRED: '$3" 100 -- env "$NOLEAK" NB_CONFIG_DIR="$CFG" "$I" "$IF"
}
gen_cfg "" "" | head -n 14 >"$CFG/vtd.cfg"
file_case "cut in the middle of a group" truncated "$CFG/vtd.cfg:"
: >"$CFG/vtd.cfg"
file_case "empty" empty "$CFG/vtd.cfg: model: not set"
echo '# only a comment' >"$CFG/vtd.cfg"
file_case "only a comment" empty "$CFG/vtd.cfg: model: not set"
printf '\211PNG\r\n\032\n\377\376\000\001' >"$CFG/vtd.cfg"
file_case "PNG header" "binary garbage" "$CFG/vtd.cfg"
{ gen_cfg "" ""; echo "iotlbb = { entries = 8; };"; } >"$CFG/vtd.cfg"
file_case "unknown key iotlbb" "unknown key" "$CFG/vtd.cfg:$(($(gen_cfg "" "" | wc -l) + 1)): iotlbb"
{ gen_cfg "" ""; echo "mem_dram_ns = 100;"; } >"$CFG/vtd.cfg"
file_case "mem_dram_ns twice" "repeated key" "$CFG/vtd.cfg:"
{ echo '@include "/etc/passwd"'; gen_cfg "" ""; } >"$CFG/vtd.cfg"
file_case "@include" "out of range (include)" "$CFG/vtd.cfg:1"
{ gen_cfg "" ""; head -c 1100000 /dev/zero | tr '\0' '#'; } >"$CFG/vtd.cfg"
file_case "1.1 MB" "huge file" "$CFG/vtd.cfg"
rm -f "$CFG/vtd.cfg"
file_case "missing" "missing file" "$CFG/vtd.cfg: No such file"
mkdir -p "$CFG/vtd.cfg"
file_case "a folder" "a folder" "$CFG/vtd.cfg"
rmdir "$CFG/vtd.cfg"

[ "$md" = 1 ] && printf '\n'
echo "test_bad_input: $cases cases, $fails failed" >&2
[ "$fails" -eq 0 ]
