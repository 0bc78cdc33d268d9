#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""scripts/host-check: what a host lacks for the real IOMMU, said line by line.
  - on this host: /dev/iommu as it is (absent: MISSING and exit 1);
  - on made-up /sys, /dev, /proc trees (--root): a kernel without
    CONFIG_IOMMUFD, no IOMMU, a device whose IOMMU group shares a device with
    another driver (named), a device bound to its own driver (the bind
    commands given), a path that is not a VFIO cdev; and a tree where the
    kernel, the IOMMU and the device are ready (ok lines; its /dev/iommu is a
    plain file, which is refused as no device node)."""
import gzip
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "report"))
from nbtest import Test  # noqa: E402

BDF, OTHER = "0000:00:03.0", "0000:00:03.1"


def tree(root, config=True, iommu=True, other_driver="vfio-pci", own_driver="vfio-pci"):
    def mk(path, text=None):
        path = os.path.join(root, path.lstrip("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if text is not None:
            with open(path, "w") as f:
                f.write(text)
        return path

    def link(path, target):
        os.makedirs(os.path.dirname(os.path.join(root, path.lstrip("/"))), exist_ok=True)
        os.symlink(target, os.path.join(root, path.lstrip("/")))

    proc = mk("/proc/config.gz")
    with gzip.open(proc, "wt") as f:
        f.write("CONFIG_IOMMUFD=%s\nCONFIG_VFIO_DEVICE_CDEV=y\nCONFIG_VFIO_PCI=m\n" % (
            "y" if config else "n"))
    if iommu:
        os.makedirs(os.path.join(root, "sys/class/iommu/dmar0"))
    mk("/dev/iommu", "")
    mk("/dev/vfio/devices/vfio0", "")
    for bdf, drv in ((BDF, own_driver), (OTHER, other_driver)):
        d = "/sys/bus/pci/devices/" + bdf
        mk(d + "/class", "0x020000\n")
        os.makedirs(os.path.join(root, "sys/bus/pci/drivers", drv), exist_ok=True)
        link(d + "/driver", os.path.join(root, "sys/bus/pci/drivers", drv))
        link(d + "/iommu_group", os.path.join(root, "sys/kernel/iommu_groups/5"))
        mk("/sys/kernel/iommu_groups/5/devices/" + bdf, "")
    link("/sys/class/vfio-dev/vfio0/device", os.path.join(root, "sys/bus/pci/devices", BDF))


def main():
    t = Test("runner_host_check")
    hc = os.path.join(t.repo, "scripts", "host-check")
    rc, out, err = t.run([hc])
    if not os.path.exists("/dev/iommu"):
        t.check(rc == 1 and "MISSING  /dev/iommu  absent" in out and "fix: " in out,
                "this host (no /dev/iommu): exit 1, /dev/iommu MISSING with a fix", out + err)
    cases = (
        ("a kernel without CONFIG_IOMMUFD", dict(config=False), "CONFIG_IOMMUFD", 1),
        ("no IOMMU", dict(iommu=False), "no IOMMU in /sys/class/iommu", 1),
        ("a group shared with e1000e", dict(other_driver="e1000e"),
         "holds devices other drivers use: %s (e1000e)" % OTHER, 1),
        ("the device on its own driver", dict(own_driver="nvme"),
         "bound to nvme, not vfio-pci", 1),
    )
    for what, kw, needle, want in cases:
        root = os.path.join(t.tmp, what.replace(" ", "_"))
        tree(root, **kw)
        rc, out, err = t.run([hc, "--root", root, "--device", "/dev/vfio/devices/vfio0"])
        t.check(rc == want and needle in out, "%s: exit %d, '%s'" % (what, want, needle), out + err)
    root = os.path.join(t.tmp, "ready")
    tree(root)
    rc, out, err = t.run([hc, "--root", root, "--device", "/dev/vfio/devices/vfio0"])
    t.check("ok       device      /dev/vfio/devices/vfio0 = %s, vfio-pci, group 5 with %s" % (BDF, OTHER)
            in out and "ok       kernel" in out and "ok       iommu" in out,
            "a ready tree: kernel, IOMMU and device ok", out)
    t.check("/dev/iommu  not a character device" in out,
            "a /dev/iommu that is a plain file is not a device node", out)
    rc, out, err = t.run([hc, "--root", root, "--device", "/dev/sda"])
    t.check(rc == 1 and "does not exist" in out, "a device path that is not there", out)
    rc, out, err = t.run([hc, "--root", root, "--device", "/dev/iommu"])
    t.check(rc == 1 and "not a VFIO device cdev" in out, "a path that is not a VFIO cdev", out)
    t.done()


if __name__ == "__main__":
    main()
