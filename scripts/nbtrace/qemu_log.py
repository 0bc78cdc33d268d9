# SPDX-License-Identifier: MIT
"""Stage 1 (reference): the QEMU trace log, lexed line by line in Python.

QEMU's log backend writes "PID@SECONDS.MICROS:EVENT ARGS" (-msg timestamp=on); the
events of intel-iommu (vtd_*) and amd-iommu (amdvi_*) that the trace needs become
QEv records, every other line is counted. nb-qemu-lex (scripts/nbtrace/lex/) does the
same in C (nbtrace/qemu_lex.py runs it); this file is what it must agree with."""
import re

from nbtrace.decode import devid_sid, vtd_decode
from nbtrace.inputs import lines_of, need, open_text
from nbtrace.translation import vtd_out

QLINE = re.compile(r"^\d+@(\d+)\.(\d+):(\w+) ?(.*)$")
HEX = r"0x([0-9a-f]+)"
Q_VTD_PAGE = re.compile(r"IOTLB page (hit|update) sid %s iova %s slpte %s domain %s" % (HEX, HEX, HEX, HEX))
Q_VTD_DESC = re.compile(r"invalidate desc type (\S+) high %s low %s" % (HEX, HEX))
Q_VTD_PAGES = re.compile(r"iotlb invalidate domain %s addr %s mask %s" % (HEX, HEX, HEX))
Q_VTD_DOMAIN = re.compile(r"iotlb invalidate whole domain %s" % HEX)
Q_VTD_FAULT = re.compile(r"sid %s fault (\d+) addr %s write (\d+)" % (HEX, HEX))
DEVID = r"([0-9a-f]{2}):([0-9a-f]{2})\.([0-9a-f])"
Q_AMD_HIT = re.compile(r"hit iotlb devid %s gpa %s hpa %s" % (DEVID, HEX, HEX))
Q_AMD_UPDATE = re.compile(r"update iotlb domid %s devid: %s gpa %s hpa %s" % (HEX, DEVID, HEX, HEX))
Q_AMD_PAGES = re.compile(r"AMD-Vi pages for domain %s invalidated" % HEX)
Q_AMD_DEVTAB = re.compile(r"device table entry for devid: %s invalidated" % DEVID)
Q_AMD_WAIT = re.compile(r"completion wait requested with store address %s and store data %s" % (HEX, HEX))
# The events whose arguments must match a pattern, per --vendor (read_qemu's need()s)
ARGS = {"vtd": {"vtd_iotlb_page_hit": Q_VTD_PAGE, "vtd_iotlb_page_update": Q_VTD_PAGE,
                "vtd_inv_desc": Q_VTD_DESC, "vtd_inv_desc_iotlb_pages": Q_VTD_PAGES,
                "vtd_inv_desc_iotlb_domain": Q_VTD_DOMAIN, "vtd_dmar_fault": Q_VTD_FAULT},
        "amd": {"amdvi_iotlb_hit": Q_AMD_HIT, "amdvi_cache_update": Q_AMD_UPDATE,
                "amdvi_pages_inval": Q_AMD_PAGES, "amdvi_devtab_inval": Q_AMD_DEVTAB}}


class QEv:
    """One QEMU event: kind 'dma', 'inv', 'note' or 'fault'."""
    __slots__ = ("t", "kind", "sid", "iova", "size", "dom", "hit", "op", "w0", "w1", "text", "large", "out")

    def __init__(self, t, kind, sid=0, iova=0, size=0, dom=0, hit=-1, op="", w0=None, w1=None,
                 text="", large=False):
        self.t, self.kind, self.sid, self.iova, self.size, self.dom = t, kind, sid, iova, size, dom
        self.hit, self.op, self.w0, self.w1, self.text, self.large = hit, op, w0, w1, text, large
        self.out = None  # dma: the address it translated to (nbtrace.translation)


def read_qemu(path, vendor, st):
    """QEMU events in log order; st counts what was seen and cross-checked."""
    out = []
    last_inv = None
    amd_dom = {}  # devid -> domain (from amdvi_cache_update)
    amd_pending = []  # AMD hits before the devid's domain is known
    with open_text(path, "--qemu-log") as f:
        for lineno, line in lines_of(f, path, "--qemu-log"):
            m = QLINE.match(line)
            if not m:
                st["qemu_other_lines"] += 1
                continue
            t = int(m[1]) * 1000000 + int(m[2])
            ev, a = m[3], m[4].strip()
            where = "--qemu-log %s:%d: %s" % (path, lineno, ev)
            st["qemu_" + ev] = st.get("qemu_" + ev, 0) + 1
            if vendor == "vtd":
                if ev in ("vtd_iotlb_page_hit", "vtd_iotlb_page_update"):
                    p = need(Q_VTD_PAGE, a, where)
                    slpte = int(p[4], 16)
                    out.append(QEv(t, "dma", sid=int(p[2], 16), iova=int(p[3], 16), dom=int(p[5], 16),
                                   hit=1 if p[1] == "hit" else 0, large=bool(slpte & 0x80)))
                    out[-1].out = vtd_out(out[-1].iova, slpte)
                elif ev == "vtd_inv_desc":
                    p = need(Q_VTD_DESC, a, where)
                    w1, w0 = int(p[2], 16), int(p[3], 16)
                    op, sid, iova, size, dom = vtd_decode(w0, w1)
                    last_inv = QEv(t, "inv", sid=sid, iova=iova, size=size, dom=dom, op=op, w0=w0, w1=w1,
                                   text=p[1])
                    out.append(last_inv)
                elif ev == "vtd_inv_desc_iotlb_pages":
                    # QEMU's own decode of the descriptor just logged: must agree with ours
                    p = need(Q_VTD_PAGES, a, where)
                    dom, addr, am = int(p[1], 16), int(p[2], 16), int(p[3], 16)
                    ok = (last_inv is not None and last_inv.op == "IOTLB_PSI" and last_inv.dom == dom
                          and last_inv.iova == addr and last_inv.size == 4096 << am)
                    st["qemu_decode_agree" if ok else "qemu_decode_disagree"] += 1
                elif ev == "vtd_inv_desc_iotlb_domain":
                    p = need(Q_VTD_DOMAIN, a, where)
                    ok = last_inv is not None and last_inv.op == "IOTLB_DSI" and last_inv.dom == int(p[1], 16)
                    st["qemu_decode_agree" if ok else "qemu_decode_disagree"] += 1
                elif ev == "vtd_inv_desc_iotlb_global":
                    ok = last_inv is not None and last_inv.op == "IOTLB_GLOBAL"
                    st["qemu_decode_agree" if ok else "qemu_decode_disagree"] += 1
                elif ev == "vtd_iotlb_reset":
                    out.append(QEv(t, "note", text="QEMU IOTLB reset: " + a.strip()))
                elif ev == "vtd_dmar_fault":
                    p = need(Q_VTD_FAULT, a, where)
                    out.append(QEv(t, "fault", sid=int(p[1], 16), iova=int(p[3], 16),
                                   text="QEMU DMAR fault: " + a.strip()))
            else:
                if ev == "amdvi_iotlb_hit":
                    p = need(Q_AMD_HIT, a, where)
                    sid = devid_sid(p[1], p[2], p[3])
                    e = QEv(t, "dma", sid=sid, iova=int(p[4], 16), dom=amd_dom.get(sid, -1), hit=1)
                    if e.dom < 0:
                        amd_pending.append(e)
                    out.append(e)
                elif ev == "amdvi_cache_update":
                    p = need(Q_AMD_UPDATE, a, where)
                    sid, dom = devid_sid(p[2], p[3], p[4]), int(p[1], 16)
                    amd_dom[sid] = dom
                    out.append(QEv(t, "dma", sid=sid, iova=int(p[5], 16), dom=dom, hit=0))
                elif ev == "amdvi_pages_inval":
                    out.append(QEv(t, "inv", dom=int(need(Q_AMD_PAGES, a, where)[1], 16), op="INVALIDATE_IOMMU_PAGES"))
                elif ev == "amdvi_all_inval":
                    out.append(QEv(t, "inv", op="INVALIDATE_IOMMU_ALL"))
                elif ev == "amdvi_devtab_inval":
                    p = need(Q_AMD_DEVTAB, a, where)
                    out.append(QEv(t, "inv", sid=devid_sid(p[1], p[2], p[3]), op="INVALIDATE_DEVTAB_ENTRY"))
                elif ev == "amdvi_iotlb_inval":
                    out.append(QEv(t, "inv", op="INVALIDATE_IOTLB_PAGES"))
                elif ev == "amdvi_completion_wait":
                    out.append(QEv(t, "inv", op="COMPLETION_WAIT"))
                elif ev == "amdvi_iotlb_reset":
                    out.append(QEv(t, "note", text="QEMU IOTLB reset: " + a.strip()))
                elif ev == "amdvi_page_fault":
                    out.append(QEv(t, "fault", text="QEMU AMD-Vi page fault: " + a.strip()))
    for e in amd_pending:  # a hit before any update of its devid: its first later domain
        e.dom = amd_dom.get(e.sid, 0)
    return out
