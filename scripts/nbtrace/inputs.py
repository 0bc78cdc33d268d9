# SPDX-License-Identifier: MIT
"""Reading the converter's inputs: opening a plain or gzip file, its lines with their
numbers, and the one error every stage raises for input it cannot convert."""
import gzip


class ConvertError(Exception):
    """Input that cannot be converted: one line naming the file, the line and what is wrong."""


def need(rx, args, where):
    """rx's match of an event's arguments; a line whose arguments do not parse is refused."""
    m = rx.match(args)
    if not m:
        raise ConvertError("%s: cannot read its arguments: '%s'" % (where, args[:120]))
    return m


def open_text(path, flag, mode="rt"):
    """An input by its name: gunzipped if it ends in .gz; text (errors replaced) or
    bytes (mode "rb")."""
    opener = gzip.open if path.endswith(".gz") else open
    try:
        return opener(path, mode, errors="replace") if mode == "rt" else opener(path, mode)
    except OSError as e:
        raise ConvertError("%s %s: %s" % (flag, path, e.strerror or e))


def read_failure(e, flag, path, n):
    """The error for an input that failed to read after its n-th whole line."""
    if isinstance(e, EOFError):
        return ConvertError("%s %s:%d: truncated: the gzip data ends in the middle" % (flag, path, n + 1))
    return ConvertError("%s %s:%d: %s" % (flag, path, n + 1, e.strerror or e))


def lines_of(f, path, flag):
    """(line number, line) of an open input; a gzip cut short is named."""
    n = 0
    try:
        for n, line in enumerate(f, 1):
            yield n, line
    except (EOFError, OSError) as e:
        raise read_failure(e, flag, path, n)
