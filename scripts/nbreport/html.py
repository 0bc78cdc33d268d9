# SPDX-License-Identifier: MIT
"""index.html: every plot with its reading and table, the run's status and
environment. Self-contained (no external resources). A small inline script
checks, once the page has loaded, that every image decoded and no script
error happened, and writes the verdict into #nb-selfcheck (the browser test
reads it)."""
from html import escape

from . import nested
from .util import num

# The two kinds of time, as every title, axis and reading words them.
TIME_WORDS = ("<b>host time</b> is this machine's time running the simulator (its speed, "
              "measured); <b>modelled</b> time is the IOMMU's, from the timing model "
              "(include/nestbench/timing.h) and the latencies and command costs in "
              "configs/*.cfg, each with its source; counts are counts.")

CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;margin:1.5em auto;max-width:1000px;
 color:#222;line-height:1.45;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em} h2{border-bottom:1px solid #ccc;padding-bottom:.2em;
 margin-top:2em} h3{font-size:1.05em;margin-bottom:.3em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0}
td,th{border:1px solid #ccc;padding:.2em .5em;text-align:right;vertical-align:top}
th{background:#f3f3f3} td.l,th.l{text-align:left}
figure{margin:1em 0 2.2em 0} figure img{max-width:100%;height:auto;border:1px solid #eee}
p.reading{font-size:1.05em;background:#f6f8fa;border-left:4px solid #0072b2;
 padding:.4em .7em;margin:.4em 0}
.bad{color:#b00020} .ok{color:#00703c} .muted{color:#666;font-size:.9em}
details{margin:.3em 0} code{font-size:.92em} div.wide{overflow-x:auto}
#nb-selfcheck{font-family:monospace;font-size:.8em;color:#666}
"""

# Runs in the page: errors are recorded from the start (head), images checked on
# load; SVG files are fetched as images too, so both formats are exercised.
SCRIPT_HEAD = """
window.nbErrors = [];
window.addEventListener('error', function (e) {
  var t = e.target;
  if (t && t !== window && (t.src || t.href)) {
    window.nbErrors.push('resource failed: ' + (t.src || t.href));
  } else {
    window.nbErrors.push('script error: ' + (e.message || 'unknown'));
  }
}, true);
"""

SCRIPT_TAIL = """
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var links = Array.prototype.slice.call(document.querySelectorAll('a[data-svg]'));
  var pending = links.length, bad = [];
  function finish() {
    imgs.forEach(function (i) {
      if (!(i.complete && i.naturalWidth > 0))
        bad.push('image not loaded: ' + i.getAttribute('src'));
    });
    var problems = bad.concat(window.nbErrors);
    var el = document.getElementById('nb-selfcheck');
    el.textContent = problems.length ?
      'NB-SELFCHECK: FAIL ' + problems.join('; ') :
      'NB-SELFCHECK: OK ' + imgs.length + ' images, ' + links.length + ' svg';
    el.setAttribute('data-status', problems.length ? 'fail' : 'ok');
  }
  if (!pending) { finish(); return; }
  links.forEach(function (a) {
    var im = new Image();
    im.onload = function () {
      if (!(im.naturalWidth > 0)) bad.push('svg empty: ' + a.getAttribute('href'));
      if (--pending === 0) finish();
    };
    im.onerror = function () { bad.push('svg not loaded: ' + a.getAttribute('href'));
                               if (--pending === 0) finish(); };
    im.src = a.getAttribute('href');
  });
});
"""


def e(s):
    return escape(str(s), quote=True)


def table(plot):
    xs = plot.xs()
    head = "<tr><th class=l>%s</th>%s</tr>" % (
        e(plot.spec["x"]), "".join("<th>%s</th>" % e(s.label) for s in plot.series))
    rows = []
    for x in xs:
        rows.append("<tr><td class=l>%s</td>%s</tr>" % (
            e(plot.xlabel_of(x)), "".join("<td>%s</td>" % num(s.at(x)) if s.at(x) is not None
                                          else "<td>–</td>" for s in plot.series)))
    return "<table>%s%s</table>" % (head, "".join(rows))


def figure(plot):
    out = ['<figure id="%s">' % e(plot.id), "<h3>%s</h3>" % e(plot.title)]
    if "png" in plot.files:
        out.append('<img src="%s" alt="%s" width="960" height="620">' % (
            e(plot.files["png"]), e(plot.title)))
    else:
        out.append('<p class=bad>No image: %s</p>' % e(plot.error or "not drawn"))
    out.append('<p class="reading">%s</p>' % e(plot.reading))
    links = []
    if "svg" in plot.files:
        links.append('<a data-svg href="%s">SVG</a>' % e(plot.files["svg"]))
    if "png" in plot.files:
        links.append('<a href="%s">PNG</a>' % e(plot.files["png"]))
    if "dat" in plot.files:
        links.append('<a href="%s">data</a>' % e(plot.files["dat"]))
    spread = ("points: median of %d repetitions, bars: their min..max" % plot.reps
              if plot.has_band() else "one value per point (%d repetition%s%s)" % (
                  plot.reps, "s" if plot.reps > 1 else "",
                  ", all equal" if plot.reps > 1 else ""))
    tied = [s.label for s in plot.series if len(s.tied) > 1]
    if tied:
        spread += "; one line stands for each group of tied series: " + "; ".join(tied)
    out.append('<p class=muted>y: %s; %s; %s. %s</p>' % (
        e(plot.spec["ylabel"]), "log x" if plot.logx else "linear x", e(spread),
        " · ".join(links)))
    out.append("<details><summary>Table behind the plot (%s)</summary>%s</details>" % (
        e(plot.spec["ylabel"]), table(plot)))
    out.append("</figure>")
    return "\n".join(out)


def status_section(res, raw_links):
    rows = []
    fams = sorted(set(res.families) | {m for m, _ in res.missing()})
    missing = dict(res.missing())
    for name in fams:
        f = res.families.get(name)
        status = (f.status if f and f.status else ("no run.json entry" if f else "not run"))
        cls = "ok" if f and f.has_data and status == "ok" else "bad"
        note = missing.get(name, "")
        if f and f.errors:
            note = (note + "; " if note else "") + "%d benchmark(s) reported errors: %s%s" % (
                len(f.errors), "; ".join("%s: %s" % x for x in f.errors[:3]),
                "; …" if len(f.errors) > 3 else "")
        reps = max(f.reps.values()) if f and f.reps else 0
        rows.append("<tr><td class=l>%s</td><td class='l %s'>%s</td><td>%s</td><td>%d</td>"
                    "<td>%s</td><td class=l>%s</td><td class=l>%s</td></tr>" % (
                        e(name), cls, e(status),
                        num(f.seconds) if f and f.seconds is not None else "–",
                        len(f.values) if f else 0, reps or "–", raw_links.get(name, "–"),
                        e(note)))
    out = ["<h2>Run</h2>", "<table><tr><th class=l>family</th><th class=l>status</th>"
           "<th>seconds</th><th>benchmarks</th><th>repetitions</th><th class=l>raw</th>"
           "<th class=l>notes</th></tr>",
           "\n".join(rows), "</table>"]
    if missing:
        out.append("<p class=bad><b>Missing or incomplete:</b> %s. Everything else is shown "
                   "below.</p>" % e(
            "; ".join("%s (%s)" % kv for kv in sorted(missing.items()))))
    if res.problems:
        out.append("<p class=bad><b>Problems reading the results:</b></p><ul>%s</ul>" % "".join(
            "<li>%s</li>" % e(p) for p in res.problems))
    return "\n".join(out)


def env_section(env):
    if not env:
        return "<h2>Environment</h2><p class=bad>env.json is missing.</p>"
    rows = []
    for k, v in env.items():
        if k == "perf_counters":
            parts = str(v).split()
            cells = ", ".join('<span class="%s">%s</span>' % (
                "ok" if p.endswith("=real") else "bad", e(p)) for p in parts if "=" in p)
            rows.append("<tr><td class=l>%s</td><td class=l>%s<br><span class=muted>%s</span>"
                        "</td></tr>" % (e(k), cells or e(v), "real: counted by the hardware/"
                                        "kernel; unavailable: reported as such, not estimated"))
        else:
            rows.append("<tr><td class=l>%s</td><td class=l><code>%s</code></td></tr>" % (
                e(k), e(v)))
    return "<h2>Environment</h2><table>%s</table>" % "".join(rows)


def checks_section(checks):
    rows = "".join("<tr><td class=l>%s</td><td class='l %s'>%s</td><td class=l>%s</td></tr>" % (
        e(c.name), {"ok": "ok", "fail": "bad"}.get(c.status, "muted"), e(c.status), e(c.detail))
        for c in checks)
    return ("<h2>Self-checks</h2><p class=muted>Claims the results must keep (scripts/nbreport/"
            "checks.py); a failed one makes nb_report.py exit 3.</p><table><tr><th class=l>check"
            "</th><th class=l>status</th><th class=l>detail</th></tr>%s</table>" % rows)


def calibration_section(rows):
    if not rows:
        return ("<h2>Calibration</h2><p class=bad>No calibrate/ benchmarks in these results "
                "(nb-bench-strategies runs them): no comparison with published figures.</p>")
    body = []
    for r in rows:
        ratio = r.ratio
        body.append("<tr><td class=l>%s</td><td>%d</td><td>%s</td><td class=l>%s</td>"
                    "<td>%s</td><td>%s</td><td class=l>%s</td></tr>" % (
                        e(r.figure + (" (%s)" % r.unit if r.unit else "")), r.flows,
                        num(r.published), e(r.source), num(r.model) if r.model is not None
                        else "–", ("%.2f" % ratio) if ratio is not None else "–", e(r.role)))
    return ("<h2>Calibration: the model against published hardware figures</h2>"
            "<p class=muted>Model: %s, calibrate/nic_rx (a NIC receive ring of 512 per flow "
            "with page-pool recycling in a nested VM; bench/strategies/calibrate.c); counts are "
            "per 4 KiB page received, times are modelled (configs/guest_path.cfg). Published: "
            "F&amp;S (SOSP'24), xlab-uiuc/Fast-and-Safe-IO-Memory-Protection, Intel IOMMU "
            "counters and guest eBPF timings, Linux 6.12.9, iommufd nesting, host strict, guest "
            "IOMMU on. Role: <i>prediction</i> (nothing tuned to it), <i>fitted</i> (a constant "
            "was solved from it: ratio 1 by construction), <i>input</i> (set by the workload's "
            "shape).</p><table><tr><th class=l>figure</th><th>flows</th><th>published</th>"
            "<th class=l>source</th><th>model</th><th>model / published</th><th class=l>role"
            "</th></tr>%s</table>" % (e(rows[0].model_name), "".join(body)))


def page(res, plots, skipped, title, raw_links, checks=(), calib=(), machines=None, generic=""):
    """machines: the sections of a report over several machines
    (machines.py: "status", "env" HTML), which replace the run's own;
    generic: the section of the families without a plot spec (generic.py)."""
    body = ["<h1>%s</h1>" % e(title)]
    run = res.run
    body.append("<p class=muted>Results folder <code>%s</code>; %s; repetitions per family in "
                "the Run table. Plots: PNG shown, SVG linked; readings are computed from the "
                "data.</p>" % (e(res.path), "quick suite" if run.get("quick") else "default suite"))
    body.append("<p class=muted>%s</p>" % TIME_WORDS)
    body.append(machines["status"] if machines else status_section(res, raw_links))
    if checks:
        body.append(checks_section(checks))
    body.append(calibration_section(list(calib)))
    body.append(nested.section_html(res))
    body.append("<h2>Plots</h2>")
    if plots:
        body.append("<ul>%s</ul>" % "".join('<li><a href="#%s">%s</a></li>' % (
            e(p.id), e(p.title)) for p in plots))
    else:
        body.append("<p class=bad>No plot could be drawn from these results%s.</p>" % (
            " with the plot table (specs.py); the families without a spec have their section "
            "below" if generic else ""))
    body += [figure(p) for p in plots]
    if skipped:
        body.append("<h2>Plots not drawn</h2><ul>%s</ul>" % "".join(
            "<li><b>%s</b>: %s</li>" % (e(i), e(r)) for i, r in skipped))
    if generic:
        body.append(generic)
    gens = res.generations()
    if gens:
        body.append("<h2>Models: which Linux each reproduces, on which hardware file</h2><table>%s</table>" % "".join(
            "<tr><td class=l>%s</td><td class=l>%s</td><td class=l>%s</td></tr>" % (e(m), e(g), e(c))
            for m, g, c in gens))
    body.append(machines["env"] if machines else env_section(res.env))
    body.append('<p id="nb-selfcheck" data-status="pending">NB-SELFCHECK: pending</p>')
    return ("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>\n<title>%s</title>\n"
            "<meta name=viewport content='width=device-width, initial-scale=1'>\n"
            "<style>%s</style>\n<script>%s</script>\n</head><body>\n%s\n<script>%s</script>\n"
            "</body></html>\n" % (e(title), CSS, SCRIPT_HEAD, "\n".join(body), SCRIPT_TAIL))
