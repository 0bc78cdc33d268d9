#!/bin/sh
# Every count of every replay (tests/replay/replay_diff.c) with this tree's
# simulator and with REV's, compared line by line:
#   tests/replay/replay_diff.sh REV
# For changes meant to leave the model's results as they were (speed,
# restructuring). REV's library (nb_core, nb_io; Release) is built once in
# build/replay_diff/<REV>; this tree's is build/release's, brought up to
# date first (scripts/build release makes that folder). Both read this
# tree's configs/ and tests/traces/. Exit status: 0, every line the same;
# 1, they differ (the first differences are printed); 2, it could not be
# run.
set -eu
cd "$(dirname "$0")/../.."
[ $# -eq 1 ] || { echo "usage: tests/replay/replay_diff.sh REV" >&2; exit 2; }
sha=$(git rev-parse --short "$1^{commit}" 2>/dev/null) || { echo "replay_diff: no such revision: $1" >&2; exit 2; }
out=build/replay_diff
ref=$out/$sha
if [ ! -f "$ref/build/src/libnb_core.a" ]; then
	rm -rf "$ref"
	mkdir -p "$ref/src"
	git archive "$sha" | tar -x -C "$ref/src"
	cmake -S "$ref/src" -B "$ref/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >"$ref/build.log" 2>&1 &&
		ninja -C "$ref/build" nb_core nb_io >>"$ref/build.log" 2>&1 ||
		{ echo "replay_diff: building $sha's library failed: $ref/build.log" >&2; exit 2; }
fi
[ -f build/release/build.ninja ] || { echo "replay_diff: no build/release (scripts/build release)" >&2; exit 2; }
# this tree's library as the tree now is, not as it was last built
ninja -C build/release src/libnb_core.a src/libnb_io.a >/dev/null ||
	{ echo "replay_diff: building this tree's library failed (ninja -C build/release)" >&2; exit 2; }
flags="-std=c11 -O2 -Wall -Wextra -Werror -Wno-unused-parameter -D_GNU_SOURCE"
libs="-lurcu-memb -lurcu-common -lconfig -lz -lm -lpthread"
${CC:-cc} $flags -I"$ref/src/include" tests/replay/replay_diff.c "$ref/build/src/libnb_core.a" \
	"$ref/build/src/libnb_io.a" $libs -o "$out/ref_$sha" || exit 2
${CC:-cc} $flags -Iinclude tests/replay/replay_diff.c build/release/src/libnb_core.a \
	build/release/src/libnb_io.a $libs -o "$out/new" || exit 2
"$out/ref_$sha" configs tests/traces >"$out/ref_$sha.txt" || exit 2
"$out/new" configs tests/traces >"$out/new.txt" || exit 2
n=$(wc -l <"$out/new.txt")
if cmp -s "$out/ref_$sha.txt" "$out/new.txt"; then
	echo "replay_diff: $n replays, every count the same as $sha's"
	exit 0
fi
echo "replay_diff: the replays differ from $sha's ($out/ref_$sha.txt, $out/new.txt); the first:"
diff "$out/ref_$sha.txt" "$out/new.txt" | head -12
exit 1
