# SPDX-License-Identifier: MIT
"""The lists the build derives from the registries for the fuzzers, and the
translate script's FORMAT list, held against what registry_names prints:
every registered model and format present, nothing extra, numbered as the
registry numbers them. Used by test_registry.py; each check returns the
failures as one line each, naming the file and the entry.

  fuzz_dir   build/<preset>/tests/fuzz: registry.txt (what make_seeds.py was
             given), corpus/<target>/ (the derived seeds), <target>.dict
  nestbench  the built front door, for `nestbench translate --help`
"""
import os
import re
import subprocess

# tests/fuzz/make_seeds.py's marker between a dictionary's base and its
# generated part (written here again: this test must not take the
# generator's word for its own format)
DICT_MARK = "# ---- generated from the registry (fuzz_registry; make_seeds.py) ----\n"
OPS_SETS = ("mix", "unbatched-ats", "2units")


def read(*path, binary=False):
    with open(os.path.join(*path), "rb" if binary else "r") as f:
        return f.read()


def fuzz_registry_input(fuzz_dir, models, formats):
    """registry.txt: the models and formats make_seeds.py numbered, in the
    registry's order, with the registry's min_ia_bits."""
    path = os.path.join(fuzz_dir, "registry.txt")
    if not os.path.isfile(path):
        return ["%s: missing (the build's fuzz_seeds step did not run)" % path]
    lines = read(path).splitlines()
    got_m = [l.split()[1:] for l in lines if l.startswith("model ")]
    got_f = [l.split()[1:] for l in lines if l.startswith("format ")]
    fails = []
    if got_m != models:
        fails.append("%s: models %s, the registry %s" % (path, got_m, models))
    if got_f != formats:
        fails.append("%s: formats (name, min_ia) %s, the registry %s" % (path, got_f, formats))
    return fails


def ops_model_number(seed):
    """The model index a fuzz_ops input selects before the modulo
    (tests/fuzz/fuzz_ops.c, params(): byte 0 bits 0-1, byte 2 bits 5-7)."""
    return (seed[0] & 3) + 4 * (seed[2] >> 5)


def ops_seeds(fuzz_dir, names):
    """fuzz_ops: <model>-{mix,unbatched-ats,2units} for every model, each
    selecting that model's registry index; none for anything else."""
    d = os.path.join(fuzz_dir, "corpus", "fuzz_ops")
    have = set(os.listdir(d)) if os.path.isdir(d) else set()
    fails = []
    for i, name in enumerate(names):
        for kind in OPS_SETS:
            seed = "%s-%s" % (name, kind)
            if seed not in have:
                fails.append("%s: no seed %s for model %s" % (d, seed, name))
                continue
            got = ops_model_number(read(d, seed, binary=True))
            if got != i:
                fails.append("%s/%s selects model %d, the registry numbers %s %d" % (d, seed, got, name, i))
    for seed in sorted(have):
        m = re.match(r"(.+)-(%s)$" % "|".join(OPS_SETS), seed)
        if m and m.group(1) not in names:
            fails.append("%s/%s: %s is no registered model" % (d, seed, m.group(1)))
    return fails


def walk_seeds(fuzz_dir, fnames, min_ia):
    """fuzz_walk: two geometries whose ia is fixed by the hardware, decoded as
    tests/fuzz/fuzz_walk.c's pick_geom reads them (format byte, granule, ia
    above the format's min_ia_bits): x86-5lvl is 57 bits (Intel SDM vol. 3A,
    4.5: 5-level paging translates 57-bit linear addresses), vtdss-3lvl 39
    (VT-d spec, second-stage translation: 3-level tables, AGAW 39)."""
    d = os.path.join(fuzz_dir, "corpus", "fuzz_walk")
    fails = []
    for seed, fmt, ia in (("x86-5lvl", "x86_64", 57), ("vtdss-3lvl", "vtdss", 39)):
        if fmt not in fnames:
            continue
        try:
            data = read(d, seed, binary=True)
        except OSError as e:
            fails.append("%s/%s: %s" % (d, seed, e.strerror))
            continue
        if data[2] != fnames.index(fmt) or data[4] + min_ia[fmt] != ia:
            fails.append("%s/%s: format %d ia %d, expected %s (%d) ia %d"
                         % (d, seed, data[2], data[4] + min_ia[fmt], fmt, fnames.index(fmt), ia))
    return fails


def script_seeds(fuzz_dir, fnames):
    """fuzz_script: every format alone as stage 1 and as stage 2; nothing else."""
    d = os.path.join(fuzz_dir, "corpus", "fuzz_script")
    have = set(os.listdir(d)) if os.path.isdir(d) else set()
    fails = []
    for name in fnames:
        for stage in ("1", "2"):
            seed = "%s-stage%s.nbt" % (name, stage)
            if seed not in have:
                fails.append("%s: no seed %s for format %s" % (d, seed, name))
            elif not read(d, seed).startswith("stage%s %s\n" % (stage, name)):
                fails.append("%s/%s does not start with 'stage%s %s'" % (d, seed, stage, name))
    for seed in sorted(have):
        m = re.match(r"(.+)-stage[12]\.nbt$", seed)
        if m and m.group(1) not in fnames:
            fails.append("%s/%s: %s is no registered format" % (d, seed, m.group(1)))
    return fails


def dictionary(fuzz_dir, src, target, tokens):
    """BUILD/<target>.dict = tests/fuzz/<target>.base.dict + exactly the
    registered names (tokens, libFuzzer dictionary lines); the base names
    none of them, so a name can only come from the registry."""
    path = os.path.join(fuzz_dir, target + ".dict")
    base_path = os.path.join(src, "tests", "fuzz", target + ".base.dict")
    try:
        text, base = read(path), read(base_path)
    except OSError as e:
        return ["%s: %s" % (e.filename, e.strerror)]
    fails = []
    if not text.startswith(base + DICT_MARK):
        return ["%s: not %s followed by the line '%s'" % (path, base_path, DICT_MARK.strip())]
    got = [l for l in text[len(base + DICT_MARK):].splitlines() if l and not l.startswith("#")]
    for t in tokens:
        if t not in got:
            fails.append("%s: no %s" % (path, t))
        if t in base.splitlines():
            fails.append("%s: %s typed by hand (the build adds it)" % (base_path, t))
    for t in got:
        if t not in tokens:
            fails.append("%s: %s is no registered name" % (path, t))
    return fails


def translate_formats(src, nestbench, fnames):
    """README's translate script points at `nestbench translate --help`, whose
    FORMAT line lists the registered formats in order, and types none."""
    fails = []
    readme = read(src, "README.md")
    start = readme.find("\n## The translate script\n")
    end = readme.find("\n## ", start + 1)
    sect = readme[start:end] if start >= 0 else ""
    if "`nestbench translate --help`" not in sect:
        fails.append("README.md, The translate script: no pointer to `nestbench translate --help`")
    line = re.search(r"^FORMAT is (.*)$", sect, re.M)
    listed = set(re.findall(r"`([^`]+)`", line.group(1))) & set(fnames) if line else set()
    if listed:
        fails.append("README.md, The translate script: FORMAT lists %s by hand" % ", ".join(sorted(listed)))
    run = subprocess.run([nestbench, "translate", "--help"], capture_output=True, text=True)
    m = re.search(r"^FORMAT \(of stage1/stage2\): (.*)$", run.stdout, re.M)
    if run.returncode != 0 or not m:
        fails.append("nestbench translate --help: exit %d, no 'FORMAT (of stage1/stage2): ...' line"
                     % run.returncode)
    elif m.group(1).split(", ") != fnames:
        fails.append("nestbench translate --help lists %s, the registry %s" % (m.group(1), ", ".join(fnames)))
    return fails


def check(fuzz_dir, src, nestbench, models, formats):
    """models: [name, vendor] per registered model; formats: [name, min_ia]."""
    names = [m[0] for m in models]
    fnames = [f[0] for f in formats]
    min_ia = {f[0]: int(f[1]) for f in formats}
    quoted = ['"\\"%s\\""' % n for n in dict.fromkeys(names + [m[1] for m in models])]
    return (fuzz_registry_input(fuzz_dir, models, formats) + ops_seeds(fuzz_dir, names) +
            walk_seeds(fuzz_dir, fnames, min_ia) + script_seeds(fuzz_dir, fnames) +
            dictionary(fuzz_dir, src, "fuzz_config", quoted) +
            dictionary(fuzz_dir, src, "fuzz_script", ['"%s"' % n for n in fnames]) +
            translate_formats(src, nestbench, fnames))
