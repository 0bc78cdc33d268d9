# SPDX-License-Identifier: MIT
"""The benchmark families: bench/families.txt, the one place they are declared
(CMake and `nestbench run` read the same file; see its header for the
columns)."""
import os
from collections import namedtuple

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TABLE = os.path.join(REPO, "bench", "families.txt")
COLUMNS = ("name", "runs", "min_time", "reps", "quick_reps", "est_s", "quick_est_s", "report")

Family = namedtuple("Family", COLUMNS)


class TableError(Exception):
    """The table is malformed: the message names the file and line."""


def read(path=TABLE):
    """[Family] in run order; TableError on a malformed line."""
    out = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            fields = line.split()
            if len(fields) != len(COLUMNS):
                raise TableError("%s:%d: %d fields, want %d (%s)" % (
                    path, n, len(fields), len(COLUMNS), " ".join(COLUMNS)))
            out.append(Family(*fields))
    return out


def names(path=TABLE, binaries_only=False):
    """The family names, in run order (binaries_only: without script families)."""
    return tuple(f.name for f in read(path) if not binaries_only or f.runs == "bench")


def report_prefixes(family):
    """The benchmark name prefixes a family writes (its report column)."""
    return tuple(p for p in family.report.split(",") if p)
