# SPDX-License-Identifier: MIT
"""What a command prints is part of its result: a compare table, a merge
summary. Python reports a failed write to standard output as a traceback
(exit 1, which nestbench compare means as "regressed") or, when the failure
shows only at the final flush, as exit 120. run_main gives it the exit
status every nestbench command gives it, 4, with one line naming the
program and the error (cli/main.c does the same for the C commands)."""
import os
import sys


class StdoutFailed(Exception):
    pass


class _Guarded:
    """sys.stdout, with its write errors told apart from every other OSError."""

    def __init__(self, stream):
        self._s = stream

    def write(self, text):
        try:
            return self._s.write(text)
        except OSError as e:
            raise StdoutFailed(e) from e

    def flush(self):
        try:
            self._s.flush()
        except OSError as e:
            raise StdoutFailed(e) from e

    def __getattr__(self, name):
        return getattr(self._s, name)


def run_main(main, prog):
    """sys.exit(main()), but 4 and a message when standard output failed."""
    real = sys.stdout
    if real is None:          # started with standard output closed: nothing to guard
        sys.exit(main())
    sys.stdout = _Guarded(real)
    try:
        rc = main()
        sys.stdout.flush()
    except StdoutFailed as e:
        err = e.__cause__
        print("%s: standard output could not be written: %s" % (prog, err.strerror or err),
              file=sys.stderr)
        # what stayed in the buffer would fail again at exit (exit 120)
        sys.stdout = real
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), real.fileno())
        except OSError:
            pass
        sys.exit(4)
    sys.stdout = real
    sys.exit(rc)
