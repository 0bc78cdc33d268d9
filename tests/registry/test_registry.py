#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every registered tag model and page-table format is in every list derived
from its registry.

Usage: test_registry.py REGISTRY_NAMES SOURCE_DIR FUZZ_BUILD_DIR NESTBENCH CMAKE_MODELS

REGISTRY_NAMES (registry_names.c) prints what the built library registers
and checks the lists the library derives itself (its messages). This test
holds the rest against it: `nestbench list models` (every registered model),
the file each model runs on (configs/<model>.cfg naming it, or its
registered hardware's file), docs/models.md's table of the shipped models
(every row a registered model: no stale rows; a new model's own
documentation is its file's head comment and its .summary/.gen), and
(derived_fuzz.py) what the build derives from the registries: the fuzz
seeds and dictionaries in FUZZ_BUILD_DIR (build/<preset>/tests/fuzz) and
`nestbench translate --help`'s FORMAT list, which the README points to.
configs/README.md's table is held against the folder: a row per
configs/*.cfg, a file per row. A failure names the list and the entry.
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


def check_models(models, hardware, src, nestbench, doc_models, cfg_readme):
    """The model lists: what `nestbench list models` prints, the file each
    model runs on, docs/models.md's rows, configs/README.md's table."""
    names = [m[0] for m in models]
    vendors = dict((m[0], m[1]) for m in models)
    listed = subprocess.run([nestbench, "list", "models"], capture_output=True, text=True)
    check(listed.returncode == 0, "nestbench list models exited %d: %s" % (listed.returncode, listed.stderr.strip()))
    listed_names = [l.split()[0] for l in listed.stdout.splitlines()[1:] if l.strip()]
    check(listed_names == names, "nestbench list models prints %s, the registry has %s" % (listed_names, names))
    for name in names:
        own = os.path.join(src, "configs", name + ".cfg")
        hw = hardware.get(name)
        if os.path.isfile(own):
            check(re.search(r'^model = "%s";' % name, read(src, "configs", name + ".cfg"), re.M),
                  "configs/%s.cfg does not say model = \"%s\";" % (name, name))
        elif hw is None:
            failed.append("model %s: no configs/%s.cfg and no .hardware to run on" % (name, name))
        else:
            check(os.path.isfile(os.path.join(src, "configs", hw + ".cfg")),
                  "model %s runs on %s's hardware, but configs/%s.cfg is missing" % (name, hw, hw))
            check(vendors.get(hw) == vendors[name] and hw not in hardware,
                  "model %s: .hardware %s is not a model of its vendor with a file of its own" % (name, hw))
    for extra in sorted(doc_models - set(names)):
        failed.append("docs/models.md, The shipped models: row %s is no registered model" % extra)
    table = cfg_readme.split("\n## ")[0]  # the table of files, above "## Rules"
    rows = re.findall(r"^\| `([^`]+)` \| (`[^`]+`|—) \| ", table, re.M)
    files = sorted(f for f in os.listdir(os.path.join(src, "configs")) if f.endswith(".cfg"))
    for f in files:
        check(f in [r[0] for r in rows], "configs/README.md: no row for configs/%s" % f)
    for f, model in rows:
        check(f in files, "configs/README.md: row %s, but there is no configs/%s" % (f, f))
        m = model.strip("`")
        check(m == "—" or m in names, "configs/README.md: row %s names model %s, not registered" % (f, m))


def main():
    if len(sys.argv) != 6:
        print("usage: test_registry.py REGISTRY_NAMES SOURCE_DIR FUZZ_BUILD_DIR NESTBENCH CMAKE_MODELS",
              file=sys.stderr)
        return 2
    printer, src, fuzz_dir, nestbench, cmake_models = sys.argv[1:]
    run = subprocess.run([printer], capture_output=True, text=True)
    lines = run.stdout.splitlines()
    for line in lines:
        if line.startswith("FAIL"):
            failed.append("the library's own list: " + line[5:])
    check(run.returncode == 0 or any(l.startswith("FAIL") for l in lines),
          "registry_names exited %d: %s" % (run.returncode, run.stderr.strip()))
    models = [l.split()[1:] for l in lines if l.startswith("model ")]
    hardware = dict(l.split()[1:3] for l in lines if l.startswith("hardware "))
    formats = [l.split()[1:] for l in lines if l.startswith("format ")]
    check(len(models) >= 3 and len(formats) >= 5, "registry_names printed %d models, %d formats"
          % (len(models), len(formats)))

    # cmake/NbModels.cmake reads model_list.h for the per-model ctests
    check(cmake_models.split(",") == [m[0] for m in models],
          "the per-model ctests (cmake/NbModels.cmake) are for %s, the registry has %s"
          % (cmake_models, [m[0] for m in models]))

    doc_models = first_cells(section(read(src, "docs", "models.md"), "## The shipped models"))
    cfg_readme = read(src, "configs", "README.md")
    check_models(models, hardware, src, nestbench, doc_models, cfg_readme)

    failed.extend(derived_fuzz.check(fuzz_dir, src, nestbench, models, formats))

    for f in failed:
        print("FAIL:", f)
    print("test_registry: %d models, %d formats, %d failed" % (len(models), len(formats), len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
