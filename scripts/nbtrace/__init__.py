# SPDX-License-Identifier: MIT
"""The stages of scripts/nb_trace_convert.py, one file each (the list is in its
docstring), and the converters that share them: translations of captured DMAs
(translation), the guest's page-table mode (vtd_mode), the stage-2 stream of a
VMM (s2vmm)."""
