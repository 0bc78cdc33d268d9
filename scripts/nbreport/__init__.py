# SPDX-License-Identifier: MIT
"""nb_report's modules: results (read a results folder), specs (the plot table),
select (specs + results -> plots), readings (one sentence per plot), plot
(gnuplot), html (index.html), markdown (summary.md), util (atomic writes,
number formatting)."""
