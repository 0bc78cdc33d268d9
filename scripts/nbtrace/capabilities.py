# SPDX-License-Identifier: MIT
"""The guest's environment: kernel, command line and VT-d CAP/ECAP from nb-env.txt
and/or --vtd-cap/--vtd-ecap (which must agree)."""
import argparse
import re

from nbtrace.inputs import ConvertError

def env_regs(path):
    regs = {}
    if path:
        try:
            text = open(path, errors="replace").read()
        except OSError as e:
            raise ConvertError("--env %s: %s" % (path, e.strerror or e))
        for line in text.splitlines():
            m = re.search(r"intel-iommu/(cap|ecap): ([0-9a-f]+)", line)
            if m:
                regs[m[1]] = int(m[2], 16)
            m = re.search(r"^kernel: (\S+)", line)
            if m:
                regs["kernel"] = m[1]
            m = re.search(r"^cmdline: (.*)", line)
            if m:
                regs["cmdline"] = m[1]
    return regs


def hex_reg(text):
    try:
        v = int(text, 16)
    except ValueError:
        raise argparse.ArgumentTypeError("'%s' is not a hexadecimal register value" % text)
    if not 0 <= v < 1 << 64:
        raise argparse.ArgumentTypeError("'%s' does not fit in 64 bits" % text)
    return v


def capabilities(a, regs):
    """The VT-d CAP/ECAP from --vtd-cap/--vtd-ecap and/or the env file; they must agree."""
    for k, flag in (("cap", a.vtd_cap), ("ecap", a.vtd_ecap)):
        if flag is None:
            continue
        if k in regs and regs[k] != flag:
            raise ConvertError("--vtd-%s %#x disagrees with --env %s (%#x)" % (k, flag, a.env, regs[k]))
        regs[k] = flag
    if ("cap" in regs) != ("ecap" in regs):
        raise ConvertError("VT-d %s given without %s (--vtd-cap and --vtd-ecap go together)"
                           % (("cap", "ecap") if "cap" in regs else ("ecap", "cap")))
    if "cap" in regs and a.vendor != "vtd":
        raise ConvertError("VT-d capability registers for a --vendor %s capture" % a.vendor)
