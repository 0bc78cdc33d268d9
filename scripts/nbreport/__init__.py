# SPDX-License-Identifier: MIT
"""nb_report's modules: results (read a results folder), families (the family
table), specs (the plot table), select (specs + results -> plots), readings
(one sentence per plot), generic (the section of a family without a spec),
kinds (what a counter is: host time, modelled, count), plot (gnuplot), html
(index.html), markdown (summary.md), util (atomic writes, number formatting)."""
