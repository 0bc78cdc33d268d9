#!/bin/sh
# SPDX-License-Identifier: MIT
# ci-regression.sh: did a commit make the benchmarks slower than its parent?
#
# Usage: scripts/ci-regression.sh [--base REV] [--new REV] [--out DIR]
#            [--threshold PCT] [--icount-threshold PCT] [--repetitions N]
#            [--min-time S] [--timing gate|advisory|off] [--no-icount]
#
# Builds NEW (default HEAD) and BASE (default NEW's first parent) from clean
# git worktrees in a temporary folder (Release, no -march=native, so valgrind
# can run the binaries), then runs, alternating BASE and NEW so that drift of
# a shared machine hits both alike:
#   timing   each side's `nestbench run --quick`, one family and one repetition
#            at a time, sides alternating, N repetitions (default 5), merged
#            into OUT/{base,new}/timing/raw/<family>.json
#   icount   a pgwalk subset under callgrind (scripts/nb_icount.py):
#            OUT/{base,new}/icount/raw/  -- instruction counts do not move
#            with the machine's load, so they are the dependable gate
# and compares them with scripts/nb_compare.py (this checkout's scripts, for
# both sides). Prints the Markdown (also OUT/report.md, for a review comment
# or $GITHUB_STEP_SUMMARY).
#
# Exit status: 0 no regression; 1 a regression (icount always gates; timing
# gates unless --timing advisory|off), or a benchmark family that fails on NEW;
# 2 usage, a build failure, or malformed results; 3 timing inconclusive (too
# few repetitions for nb_compare's U test: 4 or more a side).
#
# Environment: NB_CI_FILTER_<family> sets a family's filter for sides too old
# for `nestbench run` (binaries run directly; default: the whole family);
# NB_CI_ICOUNT_FILTER the icount subset; NB_CI_LIBPERF a prebuilt libperf
# prefix (build/<dir>/deps/libperf) to copy instead of building it twice.
set -eu

die() { echo "ci-regression: $*" >&2; exit 2; }

base_rev="" new_rev="HEAD" out="" threshold=5 ithreshold=0.5 reps=5 min_time=0.02
timing=gate icount=yes
while [ $# -gt 0 ]; do
	case "$1" in
	--base) base_rev=${2:?--base needs a revision}; shift ;;
	--new) new_rev=${2:?--new needs a revision}; shift ;;
	--out) out=${2:?--out needs a folder}; shift ;;
	--threshold) threshold=${2:?}; shift ;;
	--icount-threshold) ithreshold=${2:?}; shift ;;
	--repetitions) reps=${2:?}; shift ;;
	--min-time) min_time=${2:?}; shift ;;
	--timing) timing=${2:?}; shift
		case "$timing" in gate|advisory|off) ;; *) die "--timing: gate, advisory or off" ;; esac ;;
	--no-icount) icount=no ;;
	-h|--help) sed -n '3,30p' "$0"; exit 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done

here=$(cd "$(dirname "$0")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel) || die "not inside a git checkout"
py=/usr/bin/python3
[ -x "$py" ] || py=python3
new_sha=$(git -C "$repo" rev-parse --verify "$new_rev^{commit}") ||
	die "NEW revision '$new_rev' not found"
[ -n "$base_rev" ] || base_rev="$new_sha^"
base_sha=$(git -C "$repo" rev-parse --verify "$base_rev^{commit}" 2>/dev/null) ||
	die "BASE revision '$base_rev' not found (a shallow clone? fetch with depth >= 2)"

[ -n "$out" ] || out=$(mktemp -d "${TMPDIR:-/tmp}/nb-ci.XXXXXX")
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "$out/base" "$out/new" "$out/report.md"     # ours: no stale results
work=$(mktemp -d "${TMPDIR:-/tmp}/nb-ci-src.XXXXXX")
# shellcheck disable=SC2317 # (called from the trap)
cleanup() {
	for side in base new; do
		[ -d "$work/$side" ] && git -C "$repo" worktree remove --force "$work/$side" 2>/dev/null
	done
	git -C "$repo" worktree prune 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

echo "ci-regression: BASE $(git -C "$repo" log -1 --format='%h %s' "$base_sha")"
echo "ci-regression: NEW  $(git -C "$repo" log -1 --format='%h %s' "$new_sha")"

# ---- build both sides -------------------------------------------------------
libperf=${NB_CI_LIBPERF:-}
for side in base new; do
	if [ "$side" = base ]; then sha=$base_sha; else sha=$new_sha; fi
	git -C "$repo" worktree add --detach --quiet "$work/$side" "$sha" ||
		die "cannot check out $side ($sha)"
	b="$work/$side/build"
	if [ -n "$libperf" ] && [ -f "$libperf/lib64/libperf.a" ]; then
		mkdir -p "$b/deps" && cp -r "$libperf" "$b/deps/libperf"
	fi
	echo "ci-regression: building $side"
	cmake -S "$work/$side" -B "$b" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNB_NATIVE=OFF \
		>"$out/build-$side.log" 2>&1 || { tail -20 "$out/build-$side.log" >&2; die "configure of $side failed"; }
	targets=$(ninja -C "$b" -t targets all | sed -n 's#^\(bench/[a-z]*/nb-bench-[a-z]*\):.*#\1#p' |
		grep -v '^bench/shim/' || true)
	[ -n "$targets" ] || die "$side has no benchmark binaries"
	# shellcheck disable=SC2086
	ninja -C "$b" $targets >>"$out/build-$side.log" 2>&1 ||
		{ tail -20 "$out/build-$side.log" >&2; die "build of $side failed"; }
	libperf="$b/deps/libperf"
	mkdir -p "$out/$side/timing/raw" "$out/$side/icount/raw"
done

# ---- the quick suite, alternating sides --------------------------------------
# Each side's own `nestbench run --quick` (its binaries' quick subsets), one
# family at a time, one process at a time where the side can say so (--jobs=1:
# the two sides' timings come from the same kind of run); a side too old for
# `nestbench run` gets its binaries run directly: the whole family, or
# NB_CI_FILTER_<family>.
fallback_filter() {
	v=$(eval "printf '%s' \"\${NB_CI_FILTER_$1:-}\"")
	printf '%s' "${v:-.}"
}

run_family() { # side family dest -> 0 ok, 1 the family failed (its raw JSON may be partial)
	b="$work/$1/build"
	nb="$b/cli/nestbench" # src/cli/nestbench on sides older than the CLI's own room
	[ -x "$nb" ] || nb="$b/src/cli/nestbench"
	if "$nb" run --help >"$3/run-help.txt" 2>&1; then
		one=""
		grep -q -- '--jobs=N' "$3/run-help.txt" && one=--jobs=1
		# shellcheck disable=SC2086 # one is empty or one flag
		"$nb" run --quick --no-report --repetitions=1 $one \
			--families="$2" --out="$3" >"$3/$2.log" 2>&1
	else
		mkdir -p "$3/raw"
		"$b/bench/$2/nb-bench-$2" --benchmark_filter="$(fallback_filter "$2")" \
			--benchmark_min_time="$min_time" \
			--benchmark_out="$3/raw/$2.json" --benchmark_out_format=json >"$3/$2.log" 2>&1
	fi
}

# Repetitions interleave the sides (base, new, base, new, ...), so that a
# shared machine's drift spreads over both instead of looking like a change;
# the single-repetition files are then merged into one per family.
merge_reps() { # side family
	"$py" - "$out/$1" "$2" "$here" <<'PY'
import glob, json, os, sys
side, fam = sys.argv[1], sys.argv[2]
sys.path.insert(0, sys.argv[3])
import nb_atomic  # the one publishing helper (scripts/nb_atomic.py)
docs = []
for f in sorted(glob.glob(os.path.join(side, "rep*", "raw", fam + ".json"))):
    try:
        with open(f) as fh:
            docs.append(json.load(fh))
    except ValueError as e:
        print("ci-regression: %s: %s (skipped)" % (f, e), file=sys.stderr)
if docs:
    runs = [b for d in docs for b in d.get("benchmarks", []) if b.get("run_type") != "aggregate"]
    count = {}
    for b in runs:
        name = b.get("run_name", b["name"])
        b["repetition_index"] = count.get(name, 0)
        count[name] = count.get(name, 0) + 1
    for b in runs:
        b["repetitions"] = count[b.get("run_name", b["name"])]
    out = os.path.join(side, "timing", "raw", fam + ".json")
    try:
        nb_atomic.write_atomic(out, json.dumps({"context": docs[0].get("context", {}),
                                                "benchmarks": runs}, indent=1))
    except nb_atomic.PublishError as e:
        sys.exit("ci-regression: %s" % e)
PY
}

families=""
for bin in "$work"/new/build/bench/*/nb-bench-*; do
	fam=${bin##*/nb-bench-}
	[ -x "$bin" ] && [ "$fam" != overhead ] && families="$families $fam"
done
failed_new="" failed_base=""
if [ "$timing" != off ]; then
	r=1
	while [ "$r" -le "$reps" ]; do
		for fam in $families; do
			for side in base new; do
				if [ ! -x "$work/$side/build/bench/$fam/nb-bench-$fam" ]; then
					[ "$r" -eq 1 ] && echo "ci-regression: $side has no $fam family (listed as missing)"
					continue
				fi
				echo "ci-regression: timing $fam on $side (repetition $r/$reps)"
				dest="$out/$side/rep$r"
				mkdir -p "$dest"
				if ! run_family "$side" "$fam" "$dest"; then
					tail -3 "$dest/$fam.log" >&2
					case " $(eval "echo \$failed_$side") " in
					*" $fam "*) ;;
					*) eval "failed_$side=\"\$failed_$side $fam\"" ;;
					esac
				fi
			done
		done
		r=$((r + 1))
	done
	for fam in $families; do
		for side in base new; do merge_reps "$side" "$fam"; done
	done
fi

# ---- instruction counts --------------------------------------------------------
icount_ok=no
if [ "$icount" = yes ]; then
	if ! command -v valgrind >/dev/null 2>&1; then
		echo "ci-regression: valgrind missing: no instruction counts (scripts/setup installs it)"
	else
		ifilter=${NB_CI_ICOUNT_FILTER:-'pgwalk/(single/x86_64-4lvl|nested/x86_64-4lvl\+vtdss-4lvl)/base/random/ws_kib:(16|4096)$'}
		icount_ok=yes
		for side in base new; do
			echo "ci-regression: instruction counts on $side"
			if ! "$py" "$repo/scripts/nb_icount.py" --filter "$ifilter" \
				--out "$out/$side/icount/raw/pgwalk.json" \
				"$work/$side/build/bench/pgwalk/nb-bench-pgwalk" 2>"$out/$side/icount.log"; then
				cat "$out/$side/icount.log" >&2
				if grep -q 'no nbicount dumps' "$out/$side/icount.log"; then
					echo "ci-regression: $side predates the icount hooks: no instruction-count verdict"
					icount_ok=no
				else
					die "instruction counting failed on $side"
				fi
			fi
		done
	fi
fi

# ---- verdicts ----------------------------------------------------------------
status=0
: >"$out/report.md"
# A family failing on NEW but not on BASE is this commit's doing: it gates.
newly=""
for fam in $failed_new; do
	case " $failed_base " in *" $fam "*) ;; *) newly="$newly $fam" ;; esac
done
if [ -n "$newly" ]; then
	printf '**NEW breaks benchmark families:%s** (they run on BASE; see new/rep*/*.log)\n\n' \
		"$newly" >>"$out/report.md"
	status=1
fi
if [ -n "$failed_base$failed_new" ]; then
	printf '_Families reporting errors: BASE:%s; NEW:%s (results may be partial)._\n\n' \
		"${failed_base:- none}" "${failed_new:- none}" >>"$out/report.md"
fi
if [ "$icount_ok" = yes ]; then
	rc=0
	"$py" "$repo/scripts/nb_compare.py" --metric icount --threshold "$ithreshold" --allow-missing \
		--markdown "$out/icount.md" "$out/base/icount" "$out/new/icount" || rc=$?
	[ $rc -le 1 ] || die "icount comparison failed (exit $rc)"
	[ $rc -eq 0 ] || status=1
	cat "$out/icount.md" >>"$out/report.md"
fi
if [ "$timing" != off ]; then
	rc=0
	# --allow-missing: a family that failed is reported above, not a reason
	# to judge nothing; exit 3: too few repetitions for a verdict (< 4 a side)
	"$py" "$repo/scripts/nb_compare.py" --threshold "$threshold" --allow-missing \
		--markdown "$out/timing.md" "$out/base/timing" "$out/new/timing" || rc=$?
	[ $rc -le 1 ] || [ $rc -eq 3 ] || die "timing comparison failed (exit $rc)"
	if [ $rc -eq 1 ] && [ "$timing" = gate ]; then status=1; fi
	if [ $rc -eq 3 ] && [ "$timing" = gate ] && [ $status -eq 0 ]; then status=3; fi
	[ "$timing" = gate ] || printf '\n_Timing is advisory in this run._\n' >>"$out/timing.md"
	printf '\n' >>"$out/report.md"
	cat "$out/timing.md" >>"$out/report.md"
fi
echo
cat "$out/report.md"
echo
echo "ci-regression: results in $out; $(case $status in 0) echo 'no regression' ;; 3) echo 'INCONCLUSIVE (more repetitions)' ;; *) echo 'REGRESSION' ;; esac)"
exit $status
