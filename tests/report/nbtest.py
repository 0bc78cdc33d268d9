# SPDX-License-Identifier: MIT
"""Shared bits of the tests/report scripts: arguments, temp folders, checks."""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")


def family_table(repo):
    """bench/families.txt's rows as lists of fields, read here with a plain
    split (not the project's parser): the reference the tests derive from."""
    rows = []
    with open(os.path.join(repo, "bench", "families.txt"), encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.lstrip().startswith("#"):
                rows.append(line.split())
    return rows


class Test:
    def __init__(self, name, extra=()):
        ap = argparse.ArgumentParser()
        ap.add_argument("--repo", required=True)
        ap.add_argument("--tmp", default=None)
        for flag in extra:
            ap.add_argument(flag, default="")
        self.args = ap.parse_args()
        self.name = name
        self.repo = self.args.repo
        self.failures = []
        base = self.args.tmp or None
        if base:
            os.makedirs(base, exist_ok=True)
        self.tmp = tempfile.mkdtemp(prefix=name + ".", dir=base)

    def script(self, name):
        return os.path.join(self.repo, "scripts", name)

    def run(self, argv, **kw):
        """Run a command: (exit status, stdout, stderr)."""
        r = subprocess.run(argv, capture_output=True, text=True, timeout=kw.pop("timeout", 55),
                           **kw)
        return r.returncode, r.stdout, r.stderr

    def py(self, script, *args, **kw):
        return self.run([sys.executable, self.script(script)] + [str(a) for a in args], **kw)

    def copy_fixture(self, name, dest=None):
        dest = os.path.join(self.tmp, dest or name)
        shutil.copytree(os.path.join(FIXTURES, name), dest)
        return dest

    def check(self, cond, what, detail=""):
        """Record one check; detail is printed only when it fails."""
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            if detail:
                print("     " + str(detail).replace("\n", "\n     "))
            self.failures.append(what)
        return cond

    def skip(self, why):
        print("SKIP: " + why)
        shutil.rmtree(self.tmp, ignore_errors=True)
        sys.exit(SKIP)

    def done(self):
        if self.failures:
            print("%s: %d check(s) failed (files kept in %s):\n  %s" % (
                self.name, len(self.failures), self.tmp, "\n  ".join(self.failures)))
            sys.exit(1)
        shutil.rmtree(self.tmp, ignore_errors=True)
        print("%s: all checks passed" % self.name)
        sys.exit(0)
