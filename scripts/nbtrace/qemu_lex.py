# SPDX-License-Identifier: MIT
"""Stage 1 (C): the QEMU trace log through nb-qemu-lex (scripts/nbtrace/lex/), the
C lexer that does what qemu_log.read_qemu does line by line, several times faster
(scripts/nb_convert_bench.py --stages: read_qemu_log in each).

Which lexer runs (the output is the same either way; tests/trace/test_convert_equiv
compares the two byte for byte):
  NB_QEMU_LEX=PATH   that nb-qemu-lex (an error if it is not an executable)
  NB_QEMU_LEX=none   the Python reference
  unset              build/release/scripts/nbtrace/lex/nb-qemu-lex if it was built
                     (scripts/build), else the Python reference
and the reference also takes every log the C lexer hands back: one with a byte
outside printable ASCII and tab, or a number beyond 64 bits.

This file reads the input (plain or gzip, with the reference's own readers, so a
gzip cut short ends at the same line) and pipes it to the lexer; a line whose
arguments do not parse gets the reference's own error, made by its pattern."""
import os
import subprocess
from collections import Counter
from itertools import compress

from nbtrace.inputs import ConvertError, need, open_text, read_failure
from nbtrace.qemu_log import ARGS, QEv, QLINE, read_qemu

ENV = "NB_QEMU_LEX"
BUILT = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
                     "build", "release", "scripts", "nbtrace", "lex", "nb-qemu-lex")
WIRE_VERSION = "1"
CHUNK = 1 << 20
FIELDS = 9  # struct lex_event (lex/lex.h): t flags sid iova size dom w0 w1 out
KINDS = ("dma", "inv", "note", "fault")
LARGE, RAW, OUT = 1 << 8, 1 << 9, 1 << 10


def lexer():
    """The nb-qemu-lex to run, or None for the Python reference."""
    path = os.environ.get(ENV)
    if path == "none":
        return None
    if path:
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            raise ConvertError("%s=%s: not an executable (%s=none: the Python lexer)" % (ENV, path, ENV))
        return path
    return BUILT if os.path.isfile(BUILT) and os.access(BUILT, os.X_OK) else None


class QemuList(list):
    """The reference's QEv list, with the questions later stages ask of QEMU's events."""
    columns = False

    def events(self):
        return self

    def sid_domains(self):
        """sid -> Counter of the domains QEMU's DMA events of that source id used."""
        sid_dom = {}
        for e in self:
            if e.kind == "dma":
                sid_dom.setdefault(e.sid, Counter())[e.dom] += 1
        return sid_dom

    def large_dmas(self):
        return sum(1 for e in self if e.kind == "dma" and e.large)


class QemuColumns:
    """QEMU's events as nb-qemu-lex gives them, one list per field (index j is the
    j-th event, as in the reference's list); events() makes the QEv list itself
    (inv events without the descriptor's type name, which no stage reads). tails[j]
    is what the trace line of event j holds after its time (nb-qemu-lex formats
    them); timed[j] says whether it has a time (a DMA or a descriptor but IEC)."""
    columns = True

    NAMES = ("t", "flags", "sid", "iova", "size", "dom", "w0", "w1", "out")

    def __init__(self, words, ops, texts, tails):
        self.words, self.ops, self.texts, self.tails, self._events = words, ops, texts, tails, None
        iec = ops.index("IEC")
        self.timed = [f & 15 == 0 or (f & 15 == 1 and f >> 16 != iec) for f in self.flags]

    def __getattr__(self, name):
        """A field's column, made from nb-qemu-lex's words when first asked for."""
        if name not in QemuColumns.NAMES:
            raise AttributeError(name)
        col = self.words[QemuColumns.NAMES.index(name)::FIELDS].tolist()
        setattr(self, name, col)
        return col

    def __len__(self):
        return len(self.t)

    def kind(self, j):
        return KINDS[self.flags[j] & 15]

    def op(self, j):
        return self.ops[self.flags[j] >> 16]

    def events(self):
        if self._events is None:
            self._events = [self._event(j) for j in range(len(self.t))]
        return self._events

    def _event(self, j):
        f = self.flags[j]
        raw = f & RAW
        e = QEv(self.t[j], KINDS[f & 15], sid=self.sid[j], iova=self.iova[j], size=self.size[j],
                dom=self.dom[j], hit=((f >> 4) & 15) - 1, op=self.ops[f >> 16],
                w0=self.w0[j] if raw else None, w1=self.w1[j] if raw else None,
                text=self.texts.get(j, ""), large=bool(f & LARGE))
        e.out = self.out[j] if f & OUT else None
        return e

    def _dma(self):
        return [f & 15 == 0 for f in self.flags]

    def sid_domains(self):
        """As QemuList.sid_domains: sids and domains in order of first appearance."""
        dma = self._dma()
        sid_dom = {}
        for (s, d), c in Counter(zip(compress(self.sid, dma), compress(self.dom, dma))).items():
            sid_dom.setdefault(s, Counter())[d] = c
        return sid_dom

    def large_dmas(self):
        return sum(1 for f in self.flags if f & (LARGE | 15) == LARGE)

    def dmas(self):
        return sum(self._dma())


def read_qemu_log(path, vendor, st):
    """QEMU's events (QemuColumns from nb-qemu-lex, else QemuList from the reference);
    st counts what was seen, as read_qemu counts it."""
    exe = lexer()
    q = lex(exe, path, vendor, st) if exe else None
    return q if q is not None else QemuList(read_qemu(path, vendor, st))


def pump(f, proc):
    """Send f's lines to proc; a read that fails keeps back the partial line before it
    (the reference never sees it). Returns the read's exception or None."""
    tail = b""
    try:
        while True:
            chunk = f.read1(CHUNK)
            if not chunk:
                break
            data = tail + chunk
            cut = data.rfind(b"\n") + 1
            tail = data[cut:]
            if cut and not send(proc, memoryview(data)[:cut]):
                return None
    except (EOFError, OSError) as e:
        return e
    if tail:
        send(proc, tail)
    return None


def send(proc, data):
    try:
        proc.stdin.write(data)
        return True
    except BrokenPipeError:  # the lexer is gone; its exit status says why
        return False


def lex(exe, path, vendor, st):
    """Run nb-qemu-lex on the log: QemuColumns, or None where only the reference can
    lex it; bad input raises the reference's ConvertError."""
    with open_text(path, "--qemu-log", "rb") as f:
        proc = subprocess.Popen([exe, "--vendor", vendor], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        failed = pump(f, proc)
        try:
            proc.stdin.close()
        except BrokenPipeError:
            pass
        out = proc.stdout.read()
        rc = proc.wait()
    if rc != 0:
        raise ConvertError("--qemu-log %s: %s failed (exit status %d); %s=none uses the Python lexer"
                           % (path, exe, rc, ENV))
    head, pos = fields(out, 0)
    if len(head) != 8 or head[0] != "nb-qemu-lex" or head[1] != WIRE_VERSION:
        raise ConvertError("%s: not nb-qemu-lex version %s (rebuild: scripts/build); %s=none uses the "
                           "Python lexer" % (exe, WIRE_VERSION, ENV))
    status, line, lines, nev, ncounts, ntexts = head[2], int(head[3]), int(head[4]), int(head[5]), \
        int(head[6]), int(head[7])
    if status == "python":
        return None
    if status == "bad":
        text, pos = out[pos:out.index(b"\n", pos)].decode(), out.index(b"\n", pos) + 1
        refuse(path, vendor, line, text)
    if failed is not None:
        raise read_failure(failed, "--qemu-log", path, lines)
    ops, pos = fields(out, pos)
    for _ in range(ncounts):
        (n, key), pos = fields(out, pos)
        st[key] += int(n)
    texts = {}
    for _ in range(ntexts):
        nl = out.index(b"\n", pos)
        j, text = out[pos:nl].decode().split(" ", 1)
        texts[int(j)] = text
        pos = nl + 1
    (word, size), pos = fields(out, pos)
    tails = out[pos:pos + int(size)].decode().split("\n")[:-1]
    pos += int(size)
    words = memoryview(out)[pos:].cast("Q")
    if word != "tails" or len(tails) != nev or len(words) != nev * FIELDS:
        raise ConvertError("%s: %d events announced, %d lines and %d words given" % (
            exe, nev, len(tails), len(words)))
    ops = ["" if o == "-" else o for o in ops[1:]]
    return QemuColumns(words, ops, texts, tails)


def fields(out, pos):
    """The blank-separated fields of the text line at pos, and where the next starts."""
    nl = out.index(b"\n", pos)
    return out[pos:nl].decode().split(" "), nl + 1


def refuse(path, vendor, lineno, line):
    """The reference's error for a line whose arguments nb-qemu-lex could not read."""
    m = QLINE.match(line)
    ev = m[3] if m else ""
    where = "--qemu-log %s:%d: %s" % (path, lineno, ev)
    if m and ev in ARGS[vendor]:
        need(ARGS[vendor][ev], m[4].strip(), where)
    raise ConvertError("%s: nb-qemu-lex refused a line the Python lexer reads (%s=none uses it)"
                       % (where, ENV))
