#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the seed corpora and dictionaries of the fuzz targets.

Two kinds of seed, two places:
  - derived from the registries (a model's or a format's number, a format's
    MIN_IA, one seed set per registered model): written at build time into
    the build tree, BUILD/tests/fuzz/corpus/<target>/, from what the built
    library registers (fuzz_registry prints it; nothing here parses a header
    or types a registry by hand), with the dictionaries BUILD/tests/fuzz/
    <target>.dict = tests/fuzz/<target>.base.dict + the registered names;
  - hand-made and registry-free (empty and bad inputs, configs, scripts,
    traces): committed in tests/fuzz/corpus/<target>/.
The replay ctests and scripts/fuzz take both folders. Deterministic: running
it again writes the same bytes (and removes seeds it no longer makes). The
input formats are described at the top of each tests/fuzz/fuzz_*.c; the
seeds are small, valid-ish starting points from which libFuzzer mutates.

    make_seeds.py --registry PRINTER --out DIR  # the derived seeds and dicts into DIR
                                                # (CMake: target fuzz_seeds)
    make_seeds.py                               # rewrite the committed corpora
    make_seeds.py --check                       # exit 1 if the committed seeds differ

A seed's name says what it is and is keyed by the model's or format's name,
not its number: fuzz_ops reads a model index (byte 0 bits 0-1, byte 2 bits
5-7) and fuzz_walk a format index, so a model or format registered in the
middle renumbers those after it, and the next build writes their seeds with
the new numbers (same names, same meaning). A corpus kept from earlier
libFuzzer runs (build/fuzz/corpus) then replays its inputs on the
renumbered models: still valid inputs of some registered model, which is all
a mutation corpus needs.
"""
import base64
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..', 'scripts'))
from nb_atomic import PublishError, write_atomic  # noqa: E402 (the project's one atomic write)


class Registry:
    """What the built library registers, in registry order, from the lines
    fuzz_registry prints: "model NAME VENDOR", "format NAME MIN_IA",
    "vendor NAME" (any other line is refused, naming it)."""

    def __init__(self, text, source):
        self.models, self.formats, self.min_ia, self.vendors = [], [], {}, []
        for n, line in enumerate(text.splitlines(), 1):
            f = line.split()
            if f[:1] == ['model'] and len(f) == 3:
                self.models.append(f[1])
            elif f[:1] == ['format'] and len(f) == 3 and f[2].isdigit():
                self.formats.append(f[1])
                self.min_ia[f[1]] = int(f[2])
            elif f[:1] == ['vendor'] and len(f) == 2:
                self.vendors.append(f[1])
            else:
                raise ValueError('%s: line %d: %r is none of "model NAME VENDOR", "format NAME MIN_IA", '
                                 '"vendor NAME"' % (source, n, line))
        if not self.models or not self.formats:
            raise ValueError('%s: no "model" or no "format" line' % source)

    def model(self, name):
        """a model's number in fuzz_ops' byte 0 / byte 2 (its registry index)"""
        if name not in self.models:
            raise ValueError('a seed names model %s, which is not registered (%s): change the seed'
                             % (name, ', '.join(self.models)))
        return self.models.index(name)

    def fmt(self, name):
        """a format's number in fuzz_walk's geometry bytes (its registry index)"""
        if name not in self.formats:
            raise ValueError('a seed names format %s, which is not registered (%s): change the seed'
                             % (name, ', '.join(self.formats)))
        return self.formats.index(name)


# ---- fuzz_walk -------------------------------------------------------------

GRANULE = {12: 0, 14: 1, 16: 2}


def geom(reg, fmt, ia=48, granule=12, levels=0):
    """format, granule, ia, levels, oa bytes as fuzz_walk's pick_geom reads them
    (the format by its registry index, the ia above its min_ia_bits)"""
    return bytes([reg.fmt(fmt), GRANULE[granule], ia - reg.min_ia[fmt], levels, 0])


def u64(v):
    return struct.pack('<Q', v & (2**64 - 1))


KEY, SLOTKEY = 0x80, 0xC0  # position: index of key K / of slot S's address


def table(slot, level, target, pos=KEY, s2=False):
    return bytes([2 | (8 if s2 else 0), slot, pos, level, target])


def leaf_slot(slot, level, target_slot, prot=3, pos=KEY, s2=False):
    return bytes([4 | (8 if s2 else 0), slot, pos, level, (target_slot << 1) | 1, prot])


def leaf_raw(slot, level, oa, prot=3, pos=KEY, s2=False):
    return bytes([4 | (8 if s2 else 0), slot, pos, level, 0]) + u64(oa) + bytes([prot])


def raw(slot, index, value):
    return bytes([0, slot, index >> 16 & 0x3f, 0]) + struct.pack('<H', index & 0xffff) + u64(value)


END = bytes([7])


def walk_seeds(reg):
    """The derived seeds: every one names its formats."""
    seeds = {}
    keys = [0x12345000, 0x7fff_ffff_f000, 0x40201000, 0xdead_beef_c0de]

    def single(name, fmt, levels_of_walk, ia=48, granule=12, access=1, high=False, leaf_level=0,
               extra=b''):
        body = bytes([0 | (4 if high else 0), access]) + geom(reg, fmt, ia, granule)
        body += b''.join(u64(k) for k in keys)
        top = levels_of_walk - 1
        slot = 0
        for lvl in range(top, leaf_level, -1):
            body += table(slot, lvl, slot + 1)
            slot += 1
        body += leaf_raw(slot, leaf_level, 0x5000000 << (0 if leaf_level == 0 else 4), prot=3)
        body += extra + END + u64(keys[0] + 0x123)
        seeds[name] = body

    single('x86-4lvl-4k', 'x86_64', 4)
    single('x86-4lvl-2m-high', 'x86_64', 4, high=True, leaf_level=1)
    single('x86-5lvl', 'x86_64', 5, ia=57)
    single('vtdss-3lvl', 'vtdss', 3, ia=39, access=3)
    single('amdv1-6lvl', 'amdv1', 6, ia=64)
    single('arm_s1-16k', 'arm_s1', 4, ia=48, granule=14)
    single('arm_s2-64k-concat', 'arm_s2', 2, ia=46, granule=16, access=2)
    # garbage descriptors over a valid path, and a pointer at the arena's end
    single('x86-garbage', 'x86_64', 4, extra=raw(1, 0, 0xffff_ffff_ffff_ffff) +
           bytes([2, 0, KEY | 1, 3, 0]) + bytes([6, 2, KEY, 2, 63]))

    # nested: stage-1 x86 over stage-2 vtdss, stage-1 tables in slots 1..4
    # (IPAs 1 GiB above their PAs), data in slot 5, stage 2 in slots 0, 6, 7
    # with one 2M block mapping the whole pool.
    for name, s1, s2, ia1, ia2 in (('nested-x86-vtdss', 'x86_64', 'vtdss', 48, 48),
                                     ('nested-arm', 'arm_s1', 'arm_s2', 48, 40)):
        body = bytes([2 | 8, 3]) + geom(reg, s1, ia1) + geom(reg, s2, ia2)
        body += b''.join(u64(k) for k in keys)
        # stage 2: IPA (pool + 1G) -> pool, a 2M block at level 1
        s2_top = 3 if ia2 == 48 else 2
        slot = 0
        for lvl in range(s2_top, 1, -1):
            body += table(slot, lvl, 6 if slot == 0 else 7, pos=SLOTKEY | 1, s2=True)
            slot = 6 if slot == 0 else 7
        body += leaf_raw(slot, 1, 0x200000, prot=3, pos=SLOTKEY | 1, s2=True)
        # stage 1: root in slot 1
        body += table(1, 3, 2) + table(2, 2, 3) + table(3, 1, 4) + leaf_slot(4, 0, 5)
        body += END + u64(keys[0] + 0x88)
        seeds[name] = body
    # a finding, kept as a regression: a walk from below a table entry that
    # denies a permission (the walk from a level does not see it). Nested
    # arm_s1 over vtdss: the two format bytes (2 and 7) were 0x12 and 0x06
    # when found (5 formats: indices 3 and 1), now written from the names.
    found = bytearray(base64.b64decode(
        'CgMSPRcAAAYADwAAAAALAAAAAAAAAIADAAAAAAApAAAAAAAA3sDvvq3eJgAKAMECBgwGwQEAAAAgAAAAAAADAgGAAwICAoACgAMDAgEEBAOACwAEB4hQMBL09PT09PT09PT09PT09PT0AgCABQECAYAEAgICgAMDAgOAAgQCBIABBQQFgAAAAAD09Dr09AAAAAAAAAD09PT09PT09AAFAAC+vr6+vr6+vr6+vkEAAAAAAAAAvr709PT09PT0APT09PT09AIAgAUBAgGABAICAoADAwIDgAIEAgSAAQUEBYAAAAAAAAUAAL6+vr6+vr6+vr6+vr6+vr6+vr6+vr6+vjG+vv6+vr6ABAICAoADAwIDgAIEAgSAAQUEBYAAAAAAAAUAAL6+vr6+vr6+vr6+vr6+vr6+vr6+vr6+vjG+vv6+vr6+vr6+vr6+vr6+vr6+vjC+vv6+vr6+vgAAvr4BvgAAAAA='))
    found[2], found[7] = reg.fmt('arm_s1'), reg.fmt('vtdss')
    seeds['regress-from-below-restricting-table'] = bytes(found)
    # a finding, kept as a regression: the unrolled walker took an empty
    # stage-2 root entry for a 512 GiB leaf (x86_64 over vtdss with a
    # stage-2 output size under 39 bits, where that level's leaf has no
    # address bits and the "never matches" value was 0), and translated a
    # stage-1 table fetch the generic walker faults on
    found = bytearray(base64.b64decode(
        '8/z//wAAAGDAADipmwMCAAAA/w0AAAAAAABkAAAAAAAAABAgQAAAAADewO++rd4AAAoAwQMGCgbBAgcMB8EBAAAAIAAAAAAAAwIBgAMCAgKAAgMCA4ABBAQEgAB6AAoAwAMGCv8A3gEAYQoABpPrwO++rd4AAAqAAHoACgDBAyP/////XV1dXV1dXV1ZXF3///////0AEAAAADSIUAcDEgAAAAA='))
    found[2], found[7] = reg.fmt('x86_64'), reg.fmt('vtdss')
    seeds['regress-empty-root-as-leaf'] = bytes(found)
    return seeds

# ---- fuzz_ops ----------------------------------------------------------------

DMA, S2_UNMAP, S2_MAP, G_UNMAP, G_MAP, ATTACH, RAM, FQ, ORACLE, DMA_ALL = 0, 3, 4, 5, 6, 7, 8, 9, 10, 11


def ops_header(reg, model, batch=True, ats=False, lazy=False, tiny=False, k=2, d=1, units=1, b2=0,
               b3=0, b4=0):
    """bytes 0-4 of a fuzz_ops input (fuzz_ops.c, params and setup): the model
    by its registry index, the flags, K/D/units, the cache and policy bytes"""
    mi = reg.model(model)
    b0 = (mi & 3) | (4 if batch else 0) | (8 if ats else 0) | (16 if lazy else 0) | (32 if tiny else 0)
    b1 = k | ((d - 1) << 3) | ((units - 1) << 4)
    b2 |= (mi >> 2) << 5
    return bytes([b0, b1, b2, b3, b4])


def ops_seeds(reg):
    """The derived seeds: three per registered model, and hand-made sequences
    for a named model (their first bytes are its number)."""
    seeds = {}
    mix = bytes([
        DMA, 1, 3, 0, 0,            # nested device 1 reads page 3
        DMA_ALL, 1,                 # fill the caches from device 1
        S2_UNMAP, 3, 2,             # stage 2 drops data pages 3..4 (nested domain 0's pages)
        DMA, 1, 3, 0, 0,            # -> stage-2 fault
        S2_MAP, 3, 2, 2,            # map them back, moved to ALT_PA
        DMA, 1, 3, 16, 1,           # write through
        G_UNMAP, 0, 5, 3, 0,        # guest unmaps IOVA pages 5..7, invalidates exactly
        DMA, 1, 6, 0, 0,            # -> stage-1 fault
        G_MAP, 0, 5, 3, 3, 70,      # guest maps them read-only to other pages
        DMA, 1, 5, 0, 1,            # write -> permission fault
        ATTACH, 1, 1,               # detach nested device 1
        ATTACH, 1, 1,               # attach it to nested domain 1
        DMA_ALL, 1,
        RAM, 0, RAM, 0,             # unmap and map back the guest-RAM page of the stage-1 root
        DMA_ALL, 2,
        S2_UNMAP, 0, 0x80,          # a whole 2M span: stage-2 tables freed
        ORACLE,
    ])
    for model in reg.models:
        seeds['%s-mix' % model] = ops_header(reg, model) + mix
        seeds['%s-unbatched-ats' % model] = ops_header(reg, model, batch=False, ats=True, k=3, d=2) + mix
        seeds['%s-2units' % model] = ops_header(reg, model, k=4, units=2) + mix
    seeds['vtd-tiny-ranges'] = ops_header(reg, 'vtd', tiny=True, b3=3 | (4 << 3)) + mix
    seeds['smmuv3-ril'] = ops_header(reg, 'smmuv3', b3=0x80 | 4) + mix
    # lazy: no nested domain (a nest parent is always strict), the direct device
    seeds['vtd-lazy'] = ops_header(reg, 'vtd', lazy=True, k=0, b4=3) + bytes([
        DMA_ALL, 0, S2_UNMAP, 1, 0, S2_UNMAP, 2, 0, DMA, 0, 1, 0, 0,
        S2_MAP, 1, 1, 0, FQ, 1, S2_MAP, 1, 1, 0, DMA, 0, 1, 0, 0, FQ, 200, ORACLE])
    seeds['amd-lazy-ats'] = ops_header(reg, 'amd', lazy=True, ats=True, k=0) + bytes([
        DMA_ALL, 0, S2_UNMAP, 9, 3, FQ, 2, FQ, 255, S2_MAP, 9, 3, 0, DMA_ALL, 0])
    # a guest invalidation array of two entries (G_UNMAP with 0x40 in its
    # count byte, exact range): the second entry must be handled too
    for model in ('vtd', 'amd', 'smmuv3'):
        seeds['%s-guest-array' % model] = ops_header(reg, model, ats=True) + bytes([
            DMA_ALL, 1, G_UNMAP, 0, 2, 0x40 | 5, 0, DMA, 1, 7, 0, 0, ORACLE])
    # findings, kept as regressions (minimized): the last device of a nested
    # domain detached, then stage-2 tables freed (stale stage-2 walk cache);
    # an unmap that removes no leaf but frees emptied tables (no flush; found
    # as 0602005c0b8703808700020b02030080, model 2: smmuv3);
    seeds['regress-detach-then-free-s2-table'] = ops_header(reg, 'amd_hostdid') + bytes([
        DMA_ALL, 1, ATTACH, 1, 1, S2_UNMAP, 0, 0x80])
    seeds['regress-unmap-frees-empty-table'] = ops_header(reg, 'smmuv3', b3=0x5c, b4=0x0b) + bytes.fromhex(
        '8703808700020b02030080')
    # lazy mode: a parked unmap's freed table still in a stage-2 walk cache
    # (allowed; found as 140000030a03008c0a, model 0: vtd)
    seeds['regress-lazy-parked-table'] = ops_header(reg, 'vtd', lazy=True, k=0, b3=0x03, b4=0x0a) + bytes([
        0x03, 0x00, 0x8c, 0x0a])
    return seeds

# ---- fuzz_config -------------------------------------------------------------


def cfg_cache(name, entries, ways, repl, extra):
    return '%s = { entries = %d; ways = %d; replacement = "%s"; %s lookup_ns = 2; };\n' % (
        name, entries, ways, repl, extra)


def config_seeds():
    sizes = 'page_sizes = [ "4K", "2M", "1G" ];'
    levels = 'levels = [ 1, 2, 3 ];'
    vtd = ('model = "vtd";\nvendor = "vtd";\n' +
           cfg_cache('iotlb', 64, 64, 'plru', sizes) +
           cfg_cache('pwc_s1', 32, 4, 'lru', levels) + cfg_cache('pwc_s2', 32, 4, 'lru', levels) +
           cfg_cache('nested_tlb', 64, 4, 'lru', '') + cfg_cache('ctx_cache', 64, 4, 'lru', '') +
           cfg_cache('devtlb', 64, 64, 'lru', sizes) +
           'mem_llc_ns = 40;\nmem_dram_ns = 90;\nmem_llc_lines = 16384;\ncosts = { IOTLB_PSI = 150; IOTLB_DSI = 150; WAIT = 900; };\n'
           'policy = { strict = false; fq_entries = 256; fq_timeout_us = 10000; '
           'range_max_pages = 4294967295L; batch = true; max_am = 18; ril = false; };\n')
    seeds = {
        'vtd-full.cfg': vtd,
        'vtd-truncated.cfg': vtd[:len(vtd) // 2],
        'partial.cfg': 'iotlb = { entries = 128; ways = 8; };\npolicy = { strict = true; };\n',
        'smmu.cfg': ('model = "smmuv3";\nvendor = "smmuv3";\n'
                     'costs = { CMD_SYNC = 600; TLBI_S2_IPA = 150; };\n'
                     'iotlb = { page_sizes = [ "4K", "16K", "64K", "2M", "32M", "512M", "1G" ]; };\n'),
        'bad-types.cfg': 'iotlb = { entries = "8"; ways = 1.5; };\npolicy = { strict = 1; };\n',
        'set-lines.txt': ('iotlb.entries=1024\npolicy.strict=false\npwc_s1.levels=1,2,3\n'
                          'iotlb.page_sizes=4K,2M\nmodel=vtd_vmid\niotlb.entries=48; iotlb.ways=6\n'
                          'costs.IOTLB_PSI=0x40\nvendor=amd\nnope=1\niotlb.ways\n'),
        'empty.cfg': '',
        # a base beside the input (there is none: the input is a memfd)
        'base.cfg': 'base = "vtd";\nmodel = "over_vtd";\niotlb = { entries = 128; };\n',
    }
    seeds = {k: v.encode() for k, v in seeds.items()}
    # a finding, kept as a regression: a string value spanning lines made a
    # two-line message
    seeds['regress-string-over-lines.cfg'] = base64.b64decode('bW9kZWwgPSAic21tdXYzIjsKdmVuZG9yID0gInNtbXV2MyI7CmNvc3RzID0geyBDTURfU1lOQyA9IDYwMDsgVExCSV9TMl9JUEEgPSAxNTA7IH07CmlvdGxiID0geyBwYWdlX3NpemVzID0gWyAiCmlvdGxiID0geyBwYWdlX3NpemVzID0gWyA0SyIsICIxNksiLCAiNjRLIiwgIjJNIiwgIjMyTSIsICI1MTJNIiwgIjFHIiBdOyB9Owo=')
    return seeds

# ---- fuzz_script -------------------------------------------------------------


def script_seeds():
    seeds = {
        'nested-x86-vtd.nbt': ('stage2 vtdss ia=48\nstage1 x86_64 ia=48\nguest-ram 0x40000000 16M\n'
                               'map2 0x80000000 0x100000000 2M\nmap1 0x1000 0x80000000 4K rw\n'
                               'translate 0x1234 r\ntranslate 0x1234 w\ntranslate 0x200000\n'
                               'unmap1 0x1000 4K\ntranslate 0x1234\n'),
        'arm-64k.nbt': ('stage2 arm_s2 granule=64K ia=40\nstage1 arm_s1 granule=64K ia=48 levels=3\n'
                        'map2 0x10000000 0x20000000 512M r\nmap1 0x0 0x10000000 64K rx\n'
                        'translate 0x8 x\nunmap2 0x10000000 512M\ntranslate 0x8\n'),
        'single-amd.nbt': ('stage1 amdv1 ia=64 levels=6\nmap1 0x7fff000000000000 0x1000 1G\n'
                           'translate 0x7fff000000000123 rw\n'),
        'stage2-only.nbt': 'stage2 vtdss ia=39\nmap 0x1000 0x2000 4K r\ntranslate 0x1fff w\n',
        'bad-line.nbt': 'stage1 x86_64\nmap1 0x1000 0x2000 3K\n',
        # fuzz_script's finding: guest RAM above stage 1's 52-bit output size
        # (refused now; the tables' IPAs lost their top bits and were freed
        # out of the arena's bounds)
        'guest-ram-above-s1-oa.nbt': ('stage2 vtdss ia=56\nstage1 x86_64 ia=48\nguest-ram 0x40000000000000 2M\n'
                                      'map1 0x2000 0x80000000 4K\ntranslate 0x2000\n'),
        'empty.nbt': '',
    }
    return {k: v.encode() for k, v in seeds.items()}


def script_seeds_derived(reg):
    """Every registered format alone as stage 1 and as stage 2, at its
    default geometry: a map, a walk, an unmap, a walk (a fault)."""
    seeds = {}
    for name in reg.formats:
        for stage in ('1', '2'):
            seeds['%s-stage%s.nbt' % (name, stage)] = (
                'stage%s %s\nmap%s 0x200000 0x5000 4K rw\ntranslate 0x200123 r\n'
                'unmap%s 0x200000 4K\ntranslate 0x200123\n' % (stage, name, stage, stage)).encode()
    return seeds


# ---- fuzz_trace --------------------------------------------------------------


def trace_seeds():
    import gzip
    good = ('nestbench-trace 1\n'
            '# TIME_NS KIND SID IOVA SIZE DOMAIN [key=value ...]\n'
            '1024 map   0x0010 0xfffff000 4096 5 prot=rw\n'
            '1100 dma   0x0010 0xfffff000 4    5 access=r hit=1\n'
            '1200 unmap 0x0010 0xfffff000 4096 5\n'
            '1300 inv   0x0010 0xfffff000 4096 5 op=IOTLB_PSI w0=0x2000000000000 w1=0xfffff000\n'
            '1400 dma   0x0010 0xfffff000 4 5 access=w hit=0 future=1\n')
    seeds = {
        'good.trace': good.encode(),
        # mtime 0: the same bytes every time
        'good.trace.gz': gzip.compress(good.encode(), mtime=0),
        'bad-kind.trace': b'nestbench-trace 1\n1 copy 1 0 4096 1\n',
        'no-header.trace': b'1 map 1 0 4096 1\n',
        'truncated.trace': good.encode()[:150],
        'empty.trace': b'',
        # version 2: the stage-2 kinds and their keys (docs/trace-format.md)
        'stage2.trace': (b'nestbench-trace 2\n'
                         b'10 map2 0x10 0x100000000 2097152 4 out=0x8000000 more=1 step=plug cause=virtio-mem\n'
                         b'20 dma 0x10 0x100000040 0 4 hit=0 out=0x8000040\n'
                         b'30 unmap2 0x10 0x100000000 2097152 4\n'
                         b'40 dirty2 0 0x10000000 67108864 5 dirty=64 flush-iova=0x10000000 flush-size=262144\n'),
        'stage2-in-v1.trace': b'nestbench-trace 1\n1 map2 0 0x1000 4096 1\n',
    }
    return seeds


def walk_committed():
    return {'empty': b''}


def ops_committed():
    return {'empty': b''}


# Committed, registry-free: tests/fuzz/corpus/<target>/.
COMMITTED = {
    'fuzz_walk': walk_committed,
    'fuzz_ops': ops_committed,
    'fuzz_config': config_seeds,
    'fuzz_script': script_seeds,
    'fuzz_trace': trace_seeds,
}
# Derived from the registry: BUILD/tests/fuzz/corpus/<target>/ (every target
# has the folder, empty when nothing of it is derived).
DERIVED = {
    'fuzz_walk': walk_seeds,
    'fuzz_ops': ops_seeds,
    'fuzz_config': lambda reg: {},
    'fuzz_script': script_seeds_derived,
    'fuzz_trace': lambda reg: {},
}


def dict_config(reg):
    """fuzz_config: every model and vendor name as a quoted string value."""
    names = list(dict.fromkeys(reg.models + reg.vendors))
    return ''.join('"\\"%s\\""\n' % n for n in names)


def dict_script(reg):
    """fuzz_script: every format name, a word of stage1/stage2."""
    return ''.join('"%s"\n' % n for n in reg.formats)


# BUILD/tests/fuzz/<target>.dict = tests/fuzz/<target>.base.dict + these lines.
DICTS = {'fuzz_config': dict_config, 'fuzz_script': dict_script}
DICT_MARK = '# ---- generated from the registry (fuzz_registry; make_seeds.py) ----\n'


def write_corpus(d, seeds):
    """seeds into folder d; files it no longer makes are removed."""
    os.makedirs(d, exist_ok=True)
    for old in os.listdir(d):
        if old not in seeds:
            os.unlink(os.path.join(d, old))
    for name, data in sorted(seeds.items()):
        write_atomic(os.path.join(d, name), data)


def differing(d, seeds):
    """the paths under d whose bytes are not seeds' (or that d lacks or has extra)"""
    have = set(os.listdir(d)) if os.path.isdir(d) else set()
    bad = [os.path.join(d, n) for n in sorted(have - set(seeds))]
    for name, data in sorted(seeds.items()):
        try:
            with open(os.path.join(d, name), 'rb') as f:
                same = f.read() == data
        except OSError:
            same = False
        if not same:
            bad.append(os.path.join(d, name))
    return bad


def derive(printer, out):
    """The registry-derived seeds and the dictionaries into out; out/registry.txt
    (what the printer said) last, so an interrupted run leaves no up-to-date
    stamp for the build to trust."""
    run = subprocess.run([printer], capture_output=True, text=True)
    if run.returncode != 0:
        raise ValueError('%s exited %d: %s' % (printer, run.returncode, run.stderr.strip()))
    reg = Registry(run.stdout, printer)
    for target, make in DERIVED.items():
        seeds = make(reg)
        both = sorted(set(seeds) & set(COMMITTED[target]()))
        if both:
            raise ValueError('%s: %s both committed and derived (scripts/fuzz copies both into one folder)'
                             % (target, ', '.join(both)))
        write_corpus(os.path.join(out, 'corpus', target), seeds)
    for target, make in DICTS.items():
        with open(os.path.join(HERE, target + '.base.dict'), encoding='utf-8') as f:
            base = f.read()
        write_atomic(os.path.join(out, target + '.dict'), base + DICT_MARK + make(reg))
    write_atomic(os.path.join(out, 'registry.txt'), run.stdout)



def main(argv):
    if argv[:1] in (['-h'], ['--help']):
        print(__doc__, end='')
        return 0
    if len(argv) == 4 and argv[0] == '--registry' and argv[2] == '--out':
        try:
            derive(argv[1], argv[3])
        except (OSError, ValueError, PublishError) as e:
            print('make_seeds.py: %s' % e, file=sys.stderr)
            return 1
        return 0
    if argv not in ([], ['--check']):
        print('make_seeds.py: expected no argument, --check, or --registry PRINTER --out DIR; got %s'
              % ' '.join(argv), file=sys.stderr)
        return 2
    differ = []
    for target, make in COMMITTED.items():
        d = os.path.join(HERE, 'corpus', target)
        seeds = make()
        if argv:
            differ += differing(d, seeds)
            continue
        write_corpus(d, seeds)
        print('%s: %d seeds, %d bytes' % (target, len(seeds), sum(len(v) for v in seeds.values())))
    if differ:
        print('committed seeds differ from make_seeds.py:\n  ' + '\n  '.join(differ), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
