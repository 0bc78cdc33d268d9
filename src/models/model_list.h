/* SPDX-License-Identifier: MIT */
/*
 * The tag-model registry, one line per model, in the order every sweep runs
 * them (and fuzz_ops numbers them: the build derives its seeds, not from this
 * file). Adding a strategy is one file, src/models/tag_<name>.c, defining
 * const struct nb_tag_model nb_model_<name> with .name = "<name>", and one
 * line here; its hardware is its .hardware's file (configs/<hardware>.cfg)
 * unless configs/<name>.cfg is there (base = "..." and what differs).
 * CMake reads the NB_MODEL lines too (cmake/NbModels.cmake: one ctest per
 * model). Included with NB_MODEL defined, so no include guard.
 */
/* each vendor as Linux does it now, and the seed's AMD conjecture */
NB_MODEL(vtd)
NB_MODEL(amd)
NB_MODEL(smmuv3)
/* a hypothetical: VT-d with a VMID-style stage-2 tag */
NB_MODEL(vtd_vmid)
/* older Linux generations, and AMD's nesting as merged */
NB_MODEL(vtd_legacy)
NB_MODEL(intel_cachetag)
NB_MODEL(amd_hostdid)
