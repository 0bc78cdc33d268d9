# SPDX-License-Identifier: MIT
"""Publishing a result file whole or not at all: the one way the Python scripts
write results, reports and JSON. The twin of the C helper
(include/nestbench/atomic_file.h), with the same rules:

- the bytes go to PATH.tmp.PID.SEQ in PATH's folder (created exclusively, mode
  0644 whatever the umask), every write checked, then fsync, close, rename over
  PATH and an fsync of the folder: PATH holds the old content or the whole new
  one, never a part, also after a full disk or a crash;
- on any failure the temporary file is removed, PATH is untouched, and
  PublishError says which file, which step and the errno text, in one line;
- PATH that exists and is not a regular file (a pipe, /dev/stdout, /dev/full)
  is written in place, every write checked; a folder is refused; a symbolic
  link is followed (its target is replaced, the link stays).
"""
import contextlib
import errno
import io
import itertools
import os
import stat

MODE = 0o644
_seq = itertools.count()


class PublishError(Exception):
    """A result file could not be written; the message names it and why."""


def _fail(path, step, e):
    text = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
    return PublishError("%s: %s: %s (%s unchanged)" % (path, step, text, path)
                        if step in ("write", "fsync", "close", "rename") else
                        "%s: %s: %s" % (path, step, text))


def _resolve(path):
    """(the file to publish, whether it is a stream written in place)."""
    if not path:
        raise PublishError("(empty file name): not a file name")
    if os.path.islink(path):
        real = os.path.realpath(path)
        if not os.path.exists(real):
            raise PublishError("%s: symbolic link to nothing usable (%s)" % (path, real))
        path = real
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return path, False
    except OSError as e:
        raise _fail(path, "stat", e) from None
    if stat.S_ISDIR(st.st_mode):
        raise PublishError("%s: is a folder, not a file" % path)
    return path, not stat.S_ISREG(st.st_mode)


def _create_temp(path):
    for _ in range(64):
        tmp = "%s.tmp.%d.%d" % (path, os.getpid(), next(_seq))
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, MODE)
        except FileExistsError:
            continue  # a dead process's leftover with our pid
        except OSError as e:
            raise PublishError("%s: cannot create a file in its folder: %s"
                               % (path, e.strerror or e)) from None
        os.fchmod(fd, MODE)  # the umask took bits away
        return fd, tmp
    raise PublishError("%s: no free temporary name" % path)


def _sync_folder(path):
    fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    except OSError as e:
        if e.errno != errno.EINVAL:  # a filesystem that cannot sync folders
            raise _fail(path, "fsync of its folder", e) from None
    finally:
        os.close(fd)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        if n == 0:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        view = view[n:]


def write_atomic(path, data):
    """Publish text (UTF-8) or bytes as PATH."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    real, stream = _resolve(path)
    if stream:
        try:
            fd = os.open(real, os.O_WRONLY | os.O_CLOEXEC)
        except OSError as e:
            raise _fail(real, "open", e) from None
        try:
            _write_all(fd, data)
        except OSError as e:
            raise PublishError("%s: write: %s" % (real, e.strerror or e)) from None
        finally:
            os.close(fd)
        return
    fd, tmp = _create_temp(real)
    step = "write"
    try:
        try:
            _write_all(fd, data)
            step = "fsync"
            os.fsync(fd)
        finally:
            fd, closing = -1, fd
            if step == "fsync":
                step = "close"
            os.close(closing)
        step = "rename"
        os.replace(tmp, real)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise _fail(real, step, e) from None
        raise
    _sync_folder(real)


@contextlib.contextmanager
def atomic_open(path, binary=False):
    """A file object (in memory) for PATH's new content: published with
    write_atomic when the block ends without an exception, dropped (PATH
    unchanged) when it raises. Only the publishing touches the disk, so an
    OSError here is always about PATH."""
    buf = io.BytesIO() if binary else io.StringIO()
    yield buf
    write_atomic(path, buf.getvalue())


def check_writable(path):
    """Raise PublishError now if PATH could not be published later."""
    real, stream = _resolve(path)
    if stream:
        try:
            os.close(os.open(real, os.O_WRONLY))
        except OSError as e:
            raise _fail(real, "open", e) from None
        return
    fd, tmp = _create_temp(real)
    os.close(fd)
    os.unlink(tmp)


def publish(tmp, path):
    """Publish a file another program wrote (gnuplot's image): fsync, mode
    0644, rename over PATH; the temporary is removed if that fails."""
    try:
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, MODE)
        os.replace(tmp, path)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise _fail(path, "publish", e) from None
    _sync_folder(path)
