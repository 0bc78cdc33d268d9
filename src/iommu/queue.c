// SPDX-License-Identifier: MIT
/*
 * The command queue, one way: the model's batch -> descriptor bytes in the
 * ring -> doorbell -> the executor decodes the bytes and applies them, in
 * order, as hardware (and QEMU) do. How the driver submits is data
 * (policy.batch, batch_max, batch_full_sync, doorbell_per_cmd; configs/
 * README.md gives each vendor's Linux source):
 *   - a sync op in the batch is where the driver waits; the queue fills its
 *     status fields as the Linux driver does (vendor_sync below);
 *   - unbatched (policy.batch false): every command is its own submission
 *     with its own sync (VT-d qi_flush_* before qi_batch);
 *   - batch_max: with that many commands pending the driver submits them
 *     before adding another, with a sync (VT-d qi_batch_increment_index) or
 *     with only a doorbell (SMMUv3 arm_smmu_cmdq_batch_add);
 *   - doorbell_per_cmd: each command is published on its own (AMD
 *     iommu_queue_command writes the tail every time);
 *   - otherwise one doorbell publishes a submission, its sync included.
 * The operation's last sync is added when commands are still pending at
 * its end (every driver path ends in a wait). Counters: cmds (syncs
 * included), syncs, doorbells (tail-register writes).
 */
#include <errno.h>
#include <stdio.h>

#include "unit.h"
#include "util/mutant.h"

static void note_tag(struct nb_iommu *m, uint32_t tag)
{
	for (int i = 0; i < m->ntags_seen; i++)
		if (m->tags_seen[i] == tag)
			return;
	if (m->ntags_seen < (int)NB_ARRAY_SIZE(m->tags_seen))
		m->tags_seen[m->ntags_seen++] = tag;
	m->st.tags_touched++;
}

/* The hardware: read one published slot, decode, apply. */
static void execute(struct nb_iommu *m, const struct nb_inv_raw *raw)
{
	struct nb_inv_cmd c;

	if (nb_inv_decode(m->p.vendor, raw, &c)) {
		/* only nb_iommu_submit_raw writes unchecked bytes, and it decodes
		 * them first: reaching here is a bug in an encoder */
		fprintf(stderr, "nestbench: queue: undecodable descriptor: %s\n", nb_errmsg());
		m->st.bad_descs++;
		return;
	}
	if (m->observe)
		m->observe(m->observe_user, raw, &c);
	m->st.cmds++;
	m->st.cmd_by_op[c.op]++;
	m->st.cmd_cycles += m->p.cmd_cycles[c.op];
	if (nb_inv_op_is_sync(c.op)) {
		m->st.syncs++; /* its status write: the driver's wait ends */
		return;
	}
	note_tag(m, c.tag);
	if (nb_mutant(NB_MUT_QUEUE_DROP) && m->st.cmds % 3 == 0 && nb_inv_span(&c, &(uint64_t){ 0 }, &(uint64_t){ 0 })) return;
	nb_iommu_exec(m, &c);
}

/* The tail-register write: everything written so far is published and the
 * hardware runs it. */
static void doorbell(struct nb_iommu *m)
{
	struct nb_queue *q = &m->q;

	if (q->head == q->prod)
		return;
	m->st.doorbells++;
	while (q->head != q->prod)
		execute(m, &q->slot[q->head++ % NB_RING_SLOTS]);
	nb_iommu_exec_settle(m); /* the published commands' effects, all applied */
	q->in_sub = 0;
}

/* Write one descriptor's bytes into the next slot (a full ring is
 * published first: the driver waits for room). */
static void write_raw(struct nb_iommu *m, const struct nb_inv_raw *raw)
{
	struct nb_queue *q = &m->q;

	if (q->prod - q->head == NB_RING_SLOTS)
		doorbell(m);
	q->slot[q->prod++ % NB_RING_SLOTS] = *raw;
}

static void write_cmd(struct nb_iommu *m, const struct nb_inv_cmd *c)
{
	struct nb_inv_raw raw;

	if (nb_inv_encode(c, &raw)) {
		/* a model built a command its vendor cannot express: a bug */
		fprintf(stderr, "nestbench: queue: model '%s': %s\n", m->model->name, nb_errmsg());
		m->st.bad_descs++;
		return;
	}
	write_raw(m, &raw);
}

/* The sync as the Linux driver writes it (status fields included):
 *   VT-d  qi_submit_sync: status data QI_DONE (2), SW, status address =
 *         the wait slot's desc_status word (4 bytes per slot);
 *   AMD   build_completion_wait: S, store address = cmd_sem, data = the
 *         next sequence number (get_cmdsem_val);
 *   SMMU  arm_smmu_cmdq_build_sync_cmd with MSI polling (a coherent SMMU):
 *         CS=SIG_IRQ, MSIAddr = the sync's own slot, MSIData 0. */
static struct nb_inv_cmd vendor_sync(struct nb_iommu *m)
{
	struct nb_queue *q = &m->q;
	uint64_t slot = q->prod % NB_RING_SLOTS;
	unsigned bytes = nb_inv_desc_bytes(m->p.vendor, m->p.policy.scalable_mode);

	switch (m->p.vendor) {
	case NB_VENDOR_VTD:
		return (struct nb_inv_cmd){ .op = NB_VTD_WAIT, .wait_data = 2,
					    .wait_addr = NB_RING_PA + NB_RING_SLOTS * 32 + slot * 4 };
	case NB_VENDOR_AMD:
		return (struct nb_inv_cmd){ .op = NB_AMD_COMPLETION_WAIT, .wait_data = ++q->seq,
					    .wait_addr = NB_RING_PA + NB_RING_SLOTS * 32 };
	default:
		return (struct nb_inv_cmd){ .op = NB_SMMU_CMD_SYNC, .irq = true,
					    .wait_addr = NB_RING_PA + slot * bytes };
	}
}

static void sync(struct nb_iommu *m)
{
	struct nb_inv_cmd s = vendor_sync(m);

	write_cmd(m, &s);
	doorbell(m);
	m->q.pending = 0;
}

/* One non-sync command through the driver's submission rules. */
static void submit_one(struct nb_iommu *m, const struct nb_inv_cmd *c)
{
	const struct nb_inval_policy *pol = &m->p.policy;
	struct nb_queue *q = &m->q;
	struct nb_inv_cmd drained;

	if (pol->batch && pol->batch_max && q->in_sub >= pol->batch_max && !nb_mutant(NB_MUT_BATCH_MAX)) {
		if (pol->batch_full_sync)
			sync(m);
		else
			doorbell(m);
	}
	/* Read/write draining as the unit's capability says (VT-d CAP.DRD and
	 * DWD: Linux then sets DR and DW in every IOTLB descriptor), for every
	 * model's commands alike. It changes the descriptor's bits only. */
	if (pol->drain && !c->drain && nb_inv_op_drains(c->op)) {
		drained = *c;
		drained.drain = true;
		c = &drained;
	}
	write_cmd(m, c);
	q->pending++;
	q->in_sub++;
	if (!pol->batch)
		sync(m);
	else if (pol->doorbell_per_cmd)
		doorbell(m);
}

int nb_iommu_submit(struct nb_iommu *m, struct nb_inv_batch *b, bool end_of_flush)
{
	for (uint32_t i = 0; i < b->n; i++) {
		if (!nb_inv_op_is_sync(b->cmd[i].op))
			submit_one(m, &b->cmd[i]);
		else if (m->q.pending)
			sync(m);
	}
	if (nb_mutant(NB_MUT_FINAL_SYNC)) m->q.pending = 0;
	if (m->q.pending)
		sync(m);
	if (end_of_flush) {
		if (m->oracle_on && nb_iommu_oracle_check(m))
			fprintf(stderr, "nestbench: ORACLE: %s\n", nb_errmsg());
		m->ntags_seen = 0;
	}
	return b->err;
}

int nb_iommu_submit_raw(struct nb_iommu *m, const struct nb_inv_raw *raw, bool publish)
{
	struct nb_inv_cmd c;

	if (nb_inv_decode(m->p.vendor, raw, &c))
		return -EINVAL; /* nb_errmsg() names the field */
	write_raw(m, raw);
	if (nb_inv_op_is_sync(c.op)) {
		m->q.pending = 0;
		doorbell(m);
		if (m->oracle_on && nb_iommu_oracle_check(m))
			fprintf(stderr, "nestbench: ORACLE: %s\n", nb_errmsg());
		m->ntags_seen = 0;
	} else {
		m->q.pending++;
		if (publish)
			doorbell(m);
	}
	return 0;
}

void nb_iommu_set_observer(struct nb_iommu *m, nb_desc_observer fn, void *user)
{
	m->observe = fn;
	m->observe_user = user;
}
