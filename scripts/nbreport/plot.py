# SPDX-License-Identifier: MIT
"""Draw a plot with gnuplot from a template: data file, PNG and SVG, each put in
place by rename only when gnuplot finished and the file is non-empty."""
import math
import os
import shutil
import subprocess

from . import util

TERMS = (("png", "png"), ("svg", "svg"))


def gp_str(s):
    """A gnuplot single-quoted string (only '' needs escaping)."""
    return "'" + str(s).replace("'", "''") + "'"


TITLE_WIDTH = 100  # characters per title line at the plots' font size


def wrap(text, width):
    """Lines of at most width characters, broken at spaces."""
    out, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = (line + " " + word) if line else word
    return out + [line]


def gp_lines(lines):
    """Lines joined by newlines, as a gnuplot string expression."""
    return ' . "\\n" . '.join(gp_str(l) for l in lines)


def find_gnuplot():
    return shutil.which("gnuplot")


def data_text(plot):
    """Blocks of x, y (the median of the repetitions), y min, y max."""
    out = ["# %s" % plot.title, "# x: %s; y: %s (columns: x, median, min, max of %d "
           "repetition(s))" % (plot.spec["xlabel"], plot.spec["ylabel"], plot.reps)]
    for s in plot.series:
        out.append("")
        out.append("")
        out.append('%s "%s"' % (plot.spec["x"], s.label.replace('"', "'")))
        out += ["%.10g\t%.10g\t%.10g\t%.10g" % ((x, y) + s.range_at(x)) for x, y in s.points]
    return "\n".join(out[:2] + out[4:]) + "\n"


def _xtics(plot):
    xs = plot.xs()
    if len(xs) > 12 or (not plot.logx and plot.spec["xfmt"] != "kib" and len(xs) > 8):
        return ""
    return "(" + ", ".join('"%s" %.10g' % (plot.xlabel_of(x), x) for x in xs) + ")"


def si(v):
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if v >= div:
            return "%g%s" % (v / div, suffix)
    return "%g" % v


def _ytics(plot):
    """Log y: tics at 1, 2, 5 x 10^k inside the data range (gnuplot's own are
    one per decade, too sparse once the axis hugs the data)."""
    ys = [y for s in plot.series for x, y in s.points for y in (y,) + s.range_at(x) if y > 0]
    if not plot.logy or not ys:
        return ""
    lo, hi = min(ys) / 1.15, max(ys) * 1.15
    tics, k = [], math.floor(math.log10(lo))
    while 10 ** k <= hi:
        tics += [m * 10 ** k for m in (1, 2, 5) if lo <= m * 10 ** k <= hi]
        k += 1
    if len(tics) < 3:
        return ""
    return "(" + ", ".join('"%s" %.10g' % (si(t), t) for t in tics) + ")"


def _styles(plot):
    colours, lts, dts = {}, [], []
    for s in plot.series:
        if s.label.startswith("pointer chase"):
            lts.append("7")
        else:
            key = s.color_key
            if key not in colours:
                colours[key] = len(colours) % 12 + 1
                if colours[key] == 7:          # black is the chase's
                    colours[key] = 12
            lts.append(str(colours[key]))
        dts.append("2" if s.dashed else "1")
    return " ".join(lts), " ".join(dts)


def script(plot, templates, datafile, outs):
    lts, dts = _styles(plot)
    var = {
        "templ_dir": templates, "datafile": datafile, "plot_title": plot.title,
        "xlabel": plot.spec["xlabel"], "ylabel": plot.spec["ylabel"],
        "xtics": _xtics(plot), "ytics": _ytics(plot), "yrange": plot.spec["yrange"],
        "dts": dts, "lts": lts,
    }
    lines = ["%s = %s" % (k, gp_str(v)) for k, v in var.items()]
    lines.append("plot_title = %s" % gp_lines(wrap(plot.title, TITLE_WIDTH)))
    lines += ["nseries = %d" % len(plot.series), "logx = %d" % plot.logx,
              "logy = %d" % plot.logy, "bars = %d" % plot.has_band()]
    tpl = os.path.join(templates, plot.spec["template"] + ".gp")
    for term, out in outs:
        lines.append("term = %s; out = %s; load %s" % (gp_str(term), gp_str(out), gp_str(tpl)))
    return "\n".join(lines) + "\n"


def draw(plot, outdir, templates, gnuplot):
    """Write plots/<id>.dat, .png, .svg; set plot.files, or plot.error."""
    dat = os.path.join(outdir, plot.id + ".dat")
    util.write_atomic(dat, data_text(plot))
    plot.files["dat"] = os.path.join("plots", plot.id + ".dat")
    if not gnuplot:
        plot.error = "gnuplot is not installed (Debian gnuplot-nox): no image"
        return
    pid = os.getpid()
    outs = [(term, os.path.join(outdir, ".%s.%s.%d.tmp" % (plot.id, ext, pid)))
            for term, ext in TERMS]
    try:
        r = subprocess.run([gnuplot], input=script(plot, templates, os.path.abspath(dat), outs),
                           capture_output=True, text=True, timeout=60)
        bad = [o for _, o in outs if not os.path.isfile(o) or os.path.getsize(o) == 0]
        if r.returncode != 0 or bad:
            msg = (r.stderr.strip().splitlines() or ["no output file"])[-1]
            plot.error = "gnuplot failed (exit %d): %s" % (r.returncode, msg)
            return
        for (term, tmp), (_, ext) in zip(outs, TERMS):
            util.publish(tmp, os.path.join(outdir, plot.id + "." + ext))
            plot.files[ext] = os.path.join("plots", plot.id + "." + ext)
    except subprocess.TimeoutExpired:
        plot.error = "gnuplot took longer than 60 s"
    except util.PublishError as e:
        plot.error = "cannot write the image: %s" % e
    finally:
        for _, o in outs:
            if os.path.exists(o):
                os.unlink(o)
