/* SPDX-License-Identifier: MIT */
/*
 * The mutant list (docs/testing.md, "Mutants"): one invalidation rule per
 * line, broken at exactly one mutation point - a one-line hook
 * `if (nb_mutant(NB_MUT_<ID>)) ...` in src/ (scripts/mutants finds it and
 * refuses a mutant with none or several). Each entry:
 *   NB_MUTANT(ID, "name", "the rule it breaks", "where the rule comes from",
 *             "the ctest names that must each fail on it")
 * No include guard: mutant.h and mutant.c read it with their own NB_MUTANT.
 * Adding one: a line here, its hook, then `scripts/mutants --docs` to
 * refresh the table in docs/testing.md.
 */

/* ---- ranges and the bytes on the queue ---- */
NB_MUTANT(RANGE_END, "range_end",
	  "a range invalidation covers the range's last page (the range ends one page short)",
	  "include/linux/iommu.h iommu_iotlb_gather_add_range (end = iova + size - 1, inclusive); "
	  "intel/cache.c cache_tag_flush_range (start, end inclusive)",
	  "inval/test_inval_split models/test_oracle replay/test_descriptors fuzz/fuzz_ops_replay "
	  "replay/test_nested_replay replay/test_nested_fanout")
NB_MUTANT(DECODE_VTD_AM, "decode_vtd_am",
	  "the executor reads a VT-d page-selective descriptor's address mask (AM lost in decode)",
	  "VT-d spec 6.5.2.3 IOTLB invalidate descriptor, qw1 AM 5:0",
	  "inval/test_inval_vtd inval/test_inval_roundtrip models/test_oracle replay/test_qemu_exact "
	  "replay/test_nested_replay")
NB_MUTANT(DECODE_AMD_DOMID, "decode_amd_domid",
	  "the executor reads INVALIDATE_IOMMU_PAGES' DomainID (lost in decode)",
	  "AMD IOMMU spec 2.4.3 INVALIDATE_IOMMU_PAGES, DomainID word 0 47:32",
	  "inval/test_inval_amd inval/test_inval_roundtrip models/test_models fuzz/fuzz_ops_replay "
	  "replay/test_nested_replay")
NB_MUTANT(DECODE_SMMU_VMID, "decode_smmu_vmid",
	  "the executor reads TLBI_S2_IPA's VMID (lost in decode)",
	  "SMMUv3 spec (IHI 0070) 4.4.2 TLBI_S2_IPA, VMID 47:32 (Linux CMDQ_TLBI_0_VMID)",
	  "inval/test_inval_smmuv3 inval/test_inval_roundtrip models/test_models fuzz/fuzz_ops_replay")
NB_MUTANT(QUEUE_DROP, "queue_drop",
	  "the hardware runs every published descriptor (every third range command is lost)",
	  "VT-d spec 6.5.2 (the queue runs from head to tail); SMMUv3 3.5; AMD IOMMU 3.3 (command buffer)",
	  "models/test_oracle models/test_models replay/test_qemu_exact fuzz/fuzz_ops_replay "
	  "replay/test_nested_replay")

/* ---- tags ---- */
NB_MUTANT(VTD_NESTED_DID, "vtd_nested_did",
	  "VT-d: a NESTING_IOTLB tag is flushed with the nested domain's DID, not the parent's",
	  "intel/cache.c cache_tag_flush_iotlb (tag->domain_id), __cache_tag_assign_parent_domain",
	  "models/test_models models/test_fanout models/test_oracle fuzz/fuzz_ops_replay")
NB_MUTANT(SMMU_ASID, "smmu_asid",
	  "SMMUv3: a guest's TLBI_NH_VA/NH_ASID keeps the guest's ASID",
	  "arm-smmu-v3-iommufd.c arm_vsmmu_convert_user_cmd (only the VMID is replaced); IHI 0070 4.4.1",
	  "models/test_guest_array models/test_models models/test_oracle replay/test_nested_replay")
NB_MUTANT(SMMU_VMID, "smmu_vmid",
	  "SMMUv3: a guest's TLBI_NH_* carries the vSMMU's VMID (the stage-2 parent's)",
	  "arm-smmu-v3-iommufd.c arm_vsmmu_convert_user_cmd (FIELD_PREP(CMDQ_TLBI_0_VMID, vsmmu->vmid))",
	  "models/test_guest_array models/test_models models/test_oracle replay/test_nested_replay")
NB_MUTANT(AMD_HOST_DOMID, "amd_host_domid",
	  "AMD: a stage-2 change flushes each nested domain's host DomainID, not the parent's again",
	  "amd/nested.c iommu_flush_pages_v1_hdom_ids (INVALIDATE_IOMMU_PAGES per gDomID's hdom_id)",
	  "models/test_fanout models/test_strategies fuzz/fuzz_ops_replay")

/* ---- walk caches, nested entries ---- */
NB_MUTANT(WALK_CACHE_LEAF, "walk_cache_leaf",
	  "an unmap that freed page tables is not leaf-only: no IH / LEAF hint, walk caches go",
	  "intel/iommu.c intel_iommu_tlb_sync (ih = list_empty(&gather->freelist)); VT-d spec 6.5.2.3 IH",
	  "models/test_walk_cache models/test_linux_rules fuzz/fuzz_ops_replay")
NB_MUTANT(EXEC_IH, "exec_ih",
	  "a range command without the leaf hint drops the walk-cache entries of its range (IH=0 ignored)",
	  "VT-d spec 6.5.2.3 (IH=0: paging-structure caches too); IHI 0070 4.4.1 (Leaf=0); AMD 2.4.3 (PDE=1)",
	  "models/test_walk_cache fuzz/fuzz_ops_replay")
NB_MUTANT(NESTED_TLB, "nested_tlb",
	  "a stage-2 command also drops the stage-2 translations cached for nested walks",
	  "VT-d spec 6.5.2.3 (PSI/DSI on a DID: its second-stage and nested entries); IHI 0070 4.4.2 TLBI_S2_IPA",
	  "models/test_models models/test_walk_cache models/test_oracle fuzz/fuzz_ops_replay")
NB_MUTANT(VTD_NESTING_TAGS, "vtd_nesting_tags",
	  "VT-d: a nested domain's attach puts NESTING_IOTLB/NESTING_DEVTLB tags on its parent's list",
	  "intel/cache.c cache_tag_assign_domain -> __cache_tag_assign_parent_domain(domain->s2_domain)",
	  "models/test_models models/test_fanout models/test_oracle fuzz/fuzz_ops_replay replay/test_nested_fanout")

/* ---- device TLBs (ATS) ---- */
NB_MUTANT(DEVTLB_MISSING, "devtlb_missing",
	  "an IOTLB flush is followed by the device-TLB (ATC) flush of every ATS device on the domain",
	  "arm-smmu-v3.c arm_smmu_atc_inv_domain; amd/iommu.c __domain_flush_pages (device_flush_iotlb); "
	  "intel/iommu.c iommu_flush_dev_iotlb (6.9)",
	  "models/test_fanout models/test_oracle models/test_linux_rules fuzz/fuzz_ops_replay")
NB_MUTANT(DEVTLB_RANGE, "devtlb_range",
	  "VT-d: a DEVTLB tag gets the IOTLB's range (address and mask), not one page",
	  "intel/cache.c cache_tag_flush_range, CACHE_TAG_DEVTLB: cache_tag_flush_devtlb_psi(addr, mask)",
	  "models/test_oracle fuzz/fuzz_ops_replay")
NB_MUTANT(DEVTLB_NESTED_RANGE, "devtlb_nested_range",
	  "VT-d: a nested domain's device TLB is flushed whole on a stage-2 change (it holds IOVAs)",
	  "intel/cache.c cache_tag_flush_range, CACHE_TAG_NESTING_DEVTLB: addr 0, MAX_AGAW_PFN_WIDTH",
	  "models/test_fanout models/test_oracle fuzz/fuzz_ops_replay")
NB_MUTANT(VTD_FALLTHROUGH, "vtd_fallthrough",
	  "VT-d 6.12.117+: the NESTING_DEVTLB case leaves addr/mask alone for the tags after it",
	  "6.12.117 'iommu/vt-d: Fix CACHE_TAG_NESTING_DEVTLB polluting shared variables in flush loop'",
	  "models/test_fanout")

/* ---- guest requests ---- */
NB_MUTANT(GUEST_ARRAY, "guest_array",
	  "every entry of a guest invalidation array is handled, not only the first",
	  "iommufd hw_pagetable.c iommufd_hwpt_invalidate; intel/nested.c intel_nested_cache_invalidate_user; "
	  "arm-smmu-v3-iommufd.c arm_vsmmu_cache_invalidate",
	  "models/test_guest_array")

/* ---- lazy mode: the flush queue ---- */
NB_MUTANT(FQ_TIMEOUT, "fq_timeout",
	  "lazy mode: the flush queue is flushed when its timeout passes (the timer never fires)",
	  "dma-iommu.c fq_flush_timeout, queue_iova (timer of IOVA_DEFAULT_FQ_TIMEOUT = 10 ms)",
	  "models/test_fq")
NB_MUTANT(FQ_NO_FLUSH, "fq_no_flush",
	  "lazy mode: parked IOVAs are released only after the IOTLB flush (released without one)",
	  "dma-iommu.c fq_flush_timeout and queue_iova: fq_flush_iotlb before fq_ring_free",
	  "models/test_fq models/test_oracle replay/test_fidelity fuzz/fuzz_ops_replay")
NB_MUTANT(FQ_FULL, "fq_full",
	  "lazy mode: a full flush queue is flushed before it takes another entry",
	  "dma-iommu.c queue_iova (fq_full: fq_flush_iotlb, fq_ring_free)",
	  "models/test_oracle")

/* ---- each vendor's own rules ---- */
NB_MUTANT(SMMU_NH_ALL, "smmu_nh_all",
	  "SMMUv3: a stage-2 change on a nest parent is followed by TLBI_NH_ALL (its own CMD_SYNC)",
	  "arm-smmu-v3.c arm_smmu_tlb_inv_range_domain (nest_parent, 6.13+)",
	  "models/test_linux_rules models/test_models models/test_fanout models/test_oracle fuzz/fuzz_ops_replay "
	  "replay/test_nested_fanout")
NB_MUTANT(AMD_PDE, "amd_pde",
	  "AMD: INVALIDATE_IOMMU_PAGES always has PDE set, a leaf unmap too",
	  "amd/iommu.c build_inv_iommu_pages (CMD_INV_IOMMU_PAGES_PDE_MASK, always)",
	  "models/test_linux_rules")
NB_MUTANT(AMD_NPCACHE, "amd_npcache",
	  "AMD on a vIOMMU (NpCache): a range is flushed in naturally aligned blocks",
	  "amd/iommu.c amd_iommu_domain_flush_pages (amd_iommu_np_cache loop, __ffs/__fls)",
	  "replay/test_fidelity")
NB_MUTANT(VTD_MAMV, "vtd_mamv",
	  "VT-d: a PSI whose mask exceeds CAP.MAMV becomes a DSI",
	  "intel/cache.c cache_tag_flush_iotlb (mask > cap_max_amask_val); VT-d spec 11.4.2 CAP.MAMV",
	  "models/test_linux_rules")
NB_MUTANT(DETACH_CTX, "detach_ctx",
	  "VT-d: a detach invalidates the device's context (legacy) or PASID (scalable) cache entry",
	  "intel/pasid.c intel_pasid_tear_down_entry (pasid_cache_invalidation_with_pasid), "
	  "intel_context_flush_no_pasid (from iommu.c domain_context_clear_one)",
	  "models/test_detach models/test_linux_rules")

/* ---- submission: waits and batches ---- */
NB_MUTANT(BATCH_SYNC, "batch_sync",
	  "the driver waits where Linux waits (every wait point inside an operation is lost)",
	  "qi_submit_sync per qi_flush_* (VT-d <= 6.11); arm-smmu-v3.c arm_smmu_cmdq_issue_cmd_with_sync; "
	  "intel/cache.c qi_batch_flush_descs",
	  "models/test_linux_rules models/test_models models/test_fanout replay/test_nested_fanout")
NB_MUTANT(FINAL_SYNC, "final_sync",
	  "an operation ends by publishing its commands and waiting for them (the last wait and doorbell lost)",
	  "intel/dmar.c qi_submit_sync; arm-smmu-v3.c arm_smmu_cmdq_batch_submit; amd/iommu.c iommu_completion_wait",
	  "models/test_models models/test_oracle models/test_linux_rules fuzz/fuzz_ops_replay "
	  "replay/test_nested_replay replay/test_nested_fanout")
NB_MUTANT(BATCH_MAX, "batch_max",
	  "a full batch is submitted before the next command (VT-d 16 with a wait, SMMUv3 64 without)",
	  "intel/cache.c qi_batch_increment_index (QI_MAX_BATCHED_DESC_COUNT); "
	  "arm-smmu-v3.c arm_smmu_cmdq_batch_add (CMDQ_BATCH_ENTRIES)",
	  "models/test_fanout models/test_linux_rules replay/test_nested_fanout")
