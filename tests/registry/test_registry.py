#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every registered tag model and page-table format is in every list derived
from its registry.

Usage: test_registry.py REGISTRY_NAMES SOURCE_DIR FUZZ_BUILD_DIR NESTBENCH

REGISTRY_NAMES (registry_names.c) prints what the built library registers
and checks the lists the library derives itself (its messages). This test
holds the rest against it: the README's model table,
docs/models.md's table, configs/README.md's table and configs/<model>.cfg,
and (derived_fuzz.py) what the build derives from the registries: the fuzz
seeds and dictionaries in FUZZ_BUILD_DIR (build/<preset>/tests/fuzz) and
`nestbench translate --help`'s FORMAT list, which the README points to.
A failure names the list and the entry.
"""
import os
import re
import subprocess
import sys

import derived_fuzz

failed = []


def check(ok, what):
    if not ok:
        failed.append(what)


def section(text, heading):
    """The text under a Markdown heading, up to the next heading of its level."""
    level = heading.split(" ", 1)[0]
    start = text.find("\n" + heading + "\n")
    if start < 0:
        failed.append("no section '%s'" % heading)
        return ""
    rest = text[start + len(heading) + 2:]
    end = re.search(r"^%s " % re.escape(level), rest, re.M)
    return rest[:end.start()] if end else rest


def first_cells(text):
    """The first cell of every table row, without its backquotes."""
    return {m.group(1) for m in re.finditer(r"^\| `([^`]+)` \|", text, re.M)}


def read(src, *path):
    with open(os.path.join(src, *path), encoding="utf-8") as f:
        return f.read()


def main():
    if len(sys.argv) != 5:
        print("usage: test_registry.py REGISTRY_NAMES SOURCE_DIR FUZZ_BUILD_DIR NESTBENCH", file=sys.stderr)
        return 2
    printer, src, fuzz_dir, nestbench = sys.argv[1:]
    run = subprocess.run([printer], capture_output=True, text=True)
    lines = run.stdout.splitlines()
    for line in lines:
        if line.startswith("FAIL"):
            failed.append("the library's own list: " + line[5:])
    check(run.returncode == 0 or any(l.startswith("FAIL") for l in lines),
          "registry_names exited %d: %s" % (run.returncode, run.stderr.strip()))
    models = [l.split()[1:] for l in lines if l.startswith("model ")]
    formats = [l.split()[1:] for l in lines if l.startswith("format ")]
    check(len(models) >= 3 and len(formats) >= 5, "registry_names printed %d models, %d formats"
          % (len(models), len(formats)))

    readme = read(src, "README.md")
    readme_models = first_cells(section(readme, "## Models and strategies"))
    doc_models = first_cells(section(read(src, "docs", "models.md"), "## One row per model"))
    cfg_readme = read(src, "configs", "README.md")

    names = [m[0] for m in models]
    for name, vendor in models:
        check(name in readme_models, "README.md, Models and strategies: no row for model %s" % name)
        check(name in doc_models, "docs/models.md, One row per model: no row for model %s" % name)
        check(re.search(r"^\| `%s\.cfg` \| `%s` \| %s \|" % (name, name, vendor), cfg_readme, re.M),
              "configs/README.md: no row '| `%s.cfg` | `%s` | %s |'" % (name, name, vendor))
        cfg = os.path.join(src, "configs", name + ".cfg")
        check(os.path.isfile(cfg) and re.search(r'^model = "%s";' % name, read(src, "configs", name + ".cfg"),
                                                re.M),
              "configs/%s.cfg: missing, or it does not say model = \"%s\";" % (name, name))
    for extra in sorted(readme_models - set(names)):
        failed.append("README.md, Models and strategies: row %s is no registered model" % extra)

    failed.extend(derived_fuzz.check(fuzz_dir, src, nestbench, models, formats))

    for f in failed:
        print("FAIL:", f)
    print("test_registry: %d models, %d formats, %d failed" % (len(models), len(formats), len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
