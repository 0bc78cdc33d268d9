# SPDX-License-Identifier: MIT
"""What the captured numbers mean: a VT-d invalidation descriptor as the trace names
it, and a PCI bus/slot/function as a source id."""

# VT-d descriptor types (VT-d spec 6.5.2; src/inval/enc_vtd.c)
VTD_CC, VTD_IOTLB, VTD_DEVTLB, VTD_IEC, VTD_WAIT, VTD_PIOTLB, VTD_PC = 1, 2, 3, 4, 5, 6, 7


def vtd_decode(w0, w1):
    """(op name, sid, iova, size, domain) of a VT-d descriptor, as the trace names them."""
    t = w0 & 0xF
    g = (w0 >> 4) & 3
    did = (w0 >> 16) & 0xFFFF
    if t == VTD_CC:
        return "CC_INV", (w0 >> 32) & 0xFFFF, 0, 0, did
    if t == VTD_IOTLB:
        if g == 3:
            am = w1 & 0x3F
            return "IOTLB_PSI", 0, w1 & ~0xFFF & (2**64 - 1), 4096 << am, did
        return ("IOTLB_DSI" if g == 2 else "IOTLB_GLOBAL"), 0, 0, 0, did if g == 2 else 0
    if t == VTD_DEVTLB:
        sid = (w0 >> 32) & 0xFFFF
        addr = w1 & ~0xFFF & (2**64 - 1)
        size = 4096
        if w1 & 1:  # S: the size is in the lowest clear address bit
            b = 12
            while b < 64 and (w1 >> b) & 1:
                b += 1
            size = 1 << (b + 1) if b < 63 else 0
            addr &= ~(size - 1) if size else 0
        return "DEVTLB", sid, addr, size, 0
    if t == VTD_WAIT:
        return "WAIT", 0, 0, 0, 0
    if t == VTD_PIOTLB:
        if g == 3:
            am = w1 & 0x3F
            return "PIOTLB_PSI", 0, w1 & ~0xFFF & (2**64 - 1), 4096 << am, did
        return "PIOTLB_PASID", 0, 0, 0, did
    if t == VTD_PC:
        return "PC_INV", 0, 0, 0, did
    if t == VTD_IEC:
        return "IEC", 0, 0, 0, 0
    return "VTD_TYPE_%d" % t, 0, 0, 0, 0


def devid_sid(bus, slot, fn):
    return (int(bus, 16) << 8) | (int(slot, 16) << 3) | int(fn, 16)
