#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""(b) index.html in a real browser: headless Chromium (Debian's chromium).

The page carries a self-check script: once loaded it checks that every <img>
decoded (complete && naturalWidth > 0), loads every linked SVG as an image,
collects script and resource errors, and writes the verdict into
#nb-selfcheck. Chromium dumps the DOM after the load (--dump-dom with a
virtual time budget); the test reads the verdict. Two negative controls show
the check can fail: the page with one image pointing at a missing file, and
the page with a script error. No chromium: SKIP (exit 77); scripts/setup installs it.
"""
import os
import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor

from nbtest import Test

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--no-default-browser-check", "--disable-extensions", "--disable-crash-reporter",
         "--virtual-time-budget=15000", "--dump-dom"]


def selfcheck(t, chromium, page):
    """(status, text) of #nb-selfcheck after Chromium loaded page."""
    profile = tempfile.mkdtemp(prefix="chromium-profile.", dir=t.tmp)
    try:
        env = dict(os.environ, HOME=profile)
        rc, out, err = t.run([chromium] + FLAGS + ["--user-data-dir=" + profile,
                                                   "file://" + os.path.abspath(page)],
                             env=env, timeout=50)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    m = re.search(r'<p id="nb-selfcheck" data-status="([a-z]+)">([^<]*)</p>', out)
    if not m:
        return "no-marker", "exit %d; no #nb-selfcheck in the DOM; stderr: %s" % (
            rc, err.strip()[-400:])
    return m.group(1), m.group(2)


def main():
    t = Test("report_browser", extra=("--chromium",))
    chromium = t.args.chromium or shutil.which("chromium") or ""
    if not chromium or not os.access(chromium, os.X_OK):
        t.skip("chromium is not installed (Debian package chromium; scripts/setup installs it)")
    rd = t.copy_fixture("results-full")
    rc, _, err = t.py("nb_report.py", rd)
    t.check(rc == 0, "nb_report.py on results-full exits 0", err[-500:])
    nplots = len([f for f in os.listdir(os.path.join(rd, "plots")) if f.endswith(".png")])

    # The page, and two negative controls (the check can fail) made from it:
    # one image pointing at a missing file, one script error. All three load
    # side by side (Chromium's start-up dominates).
    with open(os.path.join(rd, "index.html"), encoding="utf-8") as f:
        html = f.read()
    variants = {
        "missing": html.replace('src="plots/inval_refill.png"', 'src="plots/no_such_plot.png"', 1),
        "script": html.replace("</body>", "<script>nbNoSuchFunction();</script></body>"),
    }
    pages = {"index": os.path.join(rd, "index.html")}
    for name, page in variants.items():
        t.check(page != html, "negative control '%s' differs from the page" % name)
        pages[name] = os.path.join(rd, "neg-%s.html" % name)
        with open(pages[name], "w", encoding="utf-8") as f:
            f.write(page)
    with ThreadPoolExecutor(max_workers=3) as pool:
        got = dict(zip(pages, pool.map(lambda p: selfcheck(t, chromium, p), pages.values())))

    status, text = got["index"]
    t.check(status == "ok" and ("OK %d images, %d svg" % (nplots, nplots)) in text,
            "Chromium loads index.html: all %d images and SVGs load, no script error" % nplots,
            "%s: %s" % (status, text))
    status, text = got["missing"]
    t.check(status == "fail" and "no_such_plot.png" in text,
            "a missing image makes the self-check fail, naming it", "%s: %s" % (status, text))
    status, text = got["script"]
    t.check(status == "fail" and "nbNoSuchFunction" in text,
            "a script error makes the self-check fail, naming it", "%s: %s" % (status, text))
    t.done()


if __name__ == "__main__":
    main()
