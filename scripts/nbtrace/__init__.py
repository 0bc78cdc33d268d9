# SPDX-License-Identifier: MIT
"""Conversion stages of scripts/nb_trace_convert.py that live in modules of their own:
translations of captured DMAs (translation), the stage-2 stream of a VMM (s2vmm)."""
