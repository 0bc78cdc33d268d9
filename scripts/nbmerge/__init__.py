# SPDX-License-Identifier: MIT
"""Joining results: a family's parts (one run, several processes), the shards
of one suite (`nestbench merge`), the results of several machines
(`nestbench merge --by-machine`). scripts/nb_merge.py is the command."""
