#!/bin/sh
# Read inputs with this tree's trace reader and with REV's (tests/trace/reader_diff.c):
#   tests/trace/reader_diff.sh REV [FILE|DIR ...] [--generate N]
# REV's src/trace/reader.c is built with its functions renamed ref_trace_*
# and linked with this tree's build/release library (scripts/build release
# first). Exit status: reader_diff's (0: every input read the same).
set -eu
cd "$(dirname "$0")/../.."
rev=$1
shift
out=build/release/tests/trace/reader_diff
mkdir -p "$out"
git show "$rev:src/trace/reader.c" >"$out/ref_reader.c"
flags="-std=c11 -O2 -Wall -Wextra -Werror -Wno-unused-parameter -D_GNU_SOURCE -Iinclude"
${CC:-cc} $flags -Dnb_trace_open=ref_trace_open -Dnb_trace_next=ref_trace_next -Dnb_trace_close=ref_trace_close \
	-Dnb_trace_meta=ref_trace_meta -Dnb_trace_kind_name=ref_trace_kind_name \
	-c "$out/ref_reader.c" -o "$out/ref_reader.o"
${CC:-cc} $flags tests/trace/reader_diff.c "$out/ref_reader.o" build/release/src/libnb_core.a build/release/src/libnb_io.a \
	-lurcu-memb -lurcu-common -lconfig -lz -lm -o "$out/reader_diff"
exec "$out/reader_diff" --tmp "$out" "$@"
