# SPDX-License-Identifier: MIT
"""Shared by the runner tests."""
import os


def no_leak_check(env=None):
    """The environment for benchmark binaries: in ASan builds their registered
    benchmarks live until exit, which LeakSanitizer reports (exit 1), as
    tests/cli/test_bad_input.sh says; leak checking of nestbench itself runs
    in test_placement.py (stand-in binaries)."""
    env = dict(os.environ if env is None else env)
    env["ASAN_OPTIONS"] = (env["ASAN_OPTIONS"] + ":" if env.get("ASAN_OPTIONS") else "") + \
        "detect_leaks=0"
    return env
