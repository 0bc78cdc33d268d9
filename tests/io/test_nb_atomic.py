#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""scripts/nb_atomic.py, the Python twin of nb_atomic_write: the same cases as
test_atomic_file.c (content, mode 0644 under umask 077, a folder and a missing
folder refused naming the path, a symbolic link followed, /dev/full's ENOSPC,
/dev/null in place, no temporary left), plus atomic_open: an exception in the
block leaves the old file, and publish() of a file another program wrote."""
import os
import stat
import sys

sys.path.insert(0, sys.argv[1])
import nb_atomic  # noqa: E402

failed = []


def check(cond, what, detail=""):
    print(("ok   " if cond else "FAIL ") + what + ("" if cond else ": %s" % detail))
    if not cond:
        failed.append(what)


def raises(fn, text):
    try:
        fn()
    except nb_atomic.PublishError as e:
        return text in str(e), str(e)
    return False, "no error"


def read(p):
    with open(p) as f:
        return f.read()


old = os.umask(0o077)
nb_atomic.write_atomic("a.json", '{"v": 1}\n')
os.umask(old)
check(read("a.json") == '{"v": 1}\n', "content")
check(stat.S_IMODE(os.stat("a.json").st_mode) == 0o644, "mode 0644 under umask 077",
      oct(os.stat("a.json").st_mode))
nb_atomic.write_atomic("a.json", b"new")
check(read("a.json") == "new", "bytes replace the old content whole")
os.makedirs("adir", exist_ok=True)
ok, msg = raises(lambda: nb_atomic.write_atomic("adir", "x"), "adir: is a folder")
check(ok, "a folder is refused, named", msg)
ok, msg = raises(lambda: nb_atomic.write_atomic("nodir/x.json", "x"),
                 "nodir/x.json: cannot create a file in its folder")
check(ok, "a missing folder, named", msg)
if os.path.lexists("link.json"):
    os.unlink("link.json")
os.symlink("a.json", "link.json")
nb_atomic.write_atomic("link.json", "via link")
check(read("a.json") == "via link" and os.path.islink("link.json"),
      "a symbolic link: its target replaced, the link kept")
ok, msg = raises(lambda: nb_atomic.write_atomic("/dev/full", "x"),
                 "/dev/full: write: No space left on device")
check(ok and stat.S_ISCHR(os.stat("/dev/full").st_mode), "/dev/full: ENOSPC, the device kept", msg)
nb_atomic.write_atomic("/dev/null", "x")
try:
    with nb_atomic.atomic_open("a.json") as f:
        f.write("half")
        raise RuntimeError("stop")
except RuntimeError:
    pass
check(read("a.json") == "via link", "atomic_open: an exception in the block leaves the old file")
with open("gp.tmp", "w") as f:
    f.write("image")
os.chmod("gp.tmp", 0o600)
nb_atomic.publish("gp.tmp", "gp.png")
check(read("gp.png") == "image" and stat.S_IMODE(os.stat("gp.png").st_mode) == 0o644 and
      not os.path.exists("gp.tmp"), "publish: renamed, 0644")
left = [f for f in os.listdir(".") if ".tmp." in f]
check(not left, "no temporary file left", left)
for f in ("link.json", "a.json", "gp.png"):
    os.unlink(f)
os.rmdir("adir")
print("test_nb_atomic: %d failed" % len(failed))
sys.exit(1 if failed else 0)
