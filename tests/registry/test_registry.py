#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every registered tag model and page-table format is in every list derived
from its registry.

Usage: test_registry.py REGISTRY_NAMES SOURCE_DIR

REGISTRY_NAMES (registry_names.c) prints what the built library registers
and checks the lists the library derives itself (its messages). This test
holds the rest against it: the README's model table and FORMAT list,
docs/models.md's table, configs/README.md's table and configs/<model>.cfg,
the fuzz seed generator's orders (tests/fuzz/make_seeds.py, which reads
src/models/model_list.h and include/nestbench/fmt_list.h), the seeds it
wrote, and the fuzz dictionaries. A failure names the list and the entry.
"""
import os
import re
import subprocess
import sys

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


def same_order(what, seeds_order, registry_order):
    check(seeds_order == registry_order, "tests/fuzz/make_seeds.py numbers the %s %s, the registry %s"
          % (what, seeds_order, registry_order))


def read(src, *path):
    with open(os.path.join(src, *path), encoding="utf-8") as f:
        return f.read()


def main():
    printer, src = sys.argv[1], sys.argv[2]
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

    sys.path.insert(0, os.path.join(src, "tests", "fuzz"))
    import make_seeds  # noqa: E402 (the generator itself, as it numbers things)

    readme = read(src, "README.md")
    readme_models = first_cells(section(readme, "## Models and strategies"))
    doc_models = first_cells(section(read(src, "docs", "models.md"), "## One row per model"))
    cfg_readme = read(src, "configs", "README.md")
    config_dict = read(src, "tests", "fuzz", "fuzz_config.dict")
    script_dict = read(src, "tests", "fuzz", "fuzz_script.dict")
    format_line = re.search(r"^FORMAT is (.*)$", section(readme, "## The translate script"), re.M)
    check(format_line is not None, "README.md, The translate script: no 'FORMAT is ...' line")
    readme_formats = set(re.findall(r"`([^`]+)`", format_line.group(1))) if format_line else set()

    names = [m[0] for m in models]
    same_order("models", make_seeds.registered_models(), names)
    for name, vendor in models:
        check(name in readme_models, "README.md, Models and strategies: no row for model %s" % name)
        check(name in doc_models, "docs/models.md, One row per model: no row for model %s" % name)
        check(re.search(r"^\| `%s\.cfg` \| `%s` \| %s \|" % (name, name, vendor), cfg_readme, re.M),
              "configs/README.md: no row '| `%s.cfg` | `%s` | %s |'" % (name, name, vendor))
        cfg = os.path.join(src, "configs", name + ".cfg")
        check(os.path.isfile(cfg) and re.search(r'^model = "%s";' % name, read(src, "configs", name + ".cfg"),
                                                re.M),
              "configs/%s.cfg: missing, or it does not say model = \"%s\";" % (name, name))
        check(os.path.isfile(os.path.join(src, "tests", "fuzz", "corpus", "fuzz_ops", name + "-mix")),
              "tests/fuzz/corpus/fuzz_ops/%s-mix: no seed (run tests/fuzz/make_seeds.py)" % name)
        check('"\\"%s\\""' % name in config_dict, "tests/fuzz/fuzz_config.dict: no \"\\\"%s\\\"\"" % name)
    for extra in sorted(readme_models - set(names)):
        failed.append("README.md, Models and strategies: row %s is no registered model" % extra)

    fnames = [f[0] for f in formats]
    same_order("formats", make_seeds.registered_formats(), fnames)
    for name, min_ia in formats:
        check(name in readme_formats, "README.md, The translate script: FORMAT does not list %s" % name)
        check('"%s"' % name in script_dict, "tests/fuzz/fuzz_script.dict: no \"%s\"" % name)
        if name in make_seeds.registered_formats():
            i = make_seeds.registered_formats().index(name)
            check(make_seeds.MIN_IA.get(i) == int(min_ia),
                  "tests/fuzz/make_seeds.py: MIN_IA of %s is %s, the format says %s"
                  % (name, make_seeds.MIN_IA.get(i), min_ia))
    for extra in sorted(readme_formats - set(fnames)):
        failed.append("README.md, The translate script: FORMAT lists %s, no registered format" % extra)

    for f in failed:
        print("FAIL:", f)
    print("test_registry: %d models, %d formats, %d failed" % (len(models), len(formats), len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
