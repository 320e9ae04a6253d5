/*
 * forms.c - the blank tables tasks hand in (a milestone's `form:`), attached to the
 * notices that ask for them: a reminder, a start notice, and the day's digest that carries
 * them. Made when the notice is made, from the registry as it is then.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "engine/rules/rules.h"

int
task_forms_add(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
               const struct store_task *t, struct task_forms *fs, struct dberr *e)
{
	struct report_form f;
	int rc = report_task_form(en, txn, ep, t, &f, e);

	if (rc != 0)
		return rc == 1 ? 0 : rc; /* 1: the milestone has no form */
	for (size_t i = 0; i < fs->n; i++)
		if (strcmp(fs->f[i].filename, f.filename) == 0) {
			/* a digest with two notices of one task: one copy of its form */
			report_form_release(&f);
			return 0;
		}
	fs->f = xgrow(fs->f, &fs->cap, fs->n + 1, sizeof(*fs->f));
	fs->f[fs->n++] = f;
	return 0;
}

int
task_forms_add_key(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                   const char *task, struct task_forms *fs, struct dberr *e)
{
	struct store_task t;
	int rc = store_task_get(txn, task, &t, e);

	if (rc == DB_ENOTFOUND) {
		dberr_clear(e);
		return 0;
	}
	if (rc == 0) {
		rc = task_forms_add(en, txn, ep, &t, fs, e);
		store_task_release(&t);
	}
	return rc;
}

void
task_forms_attach(struct task_forms *fs, struct notice_req *r)
{
	free(fs->att);
	fs->att = fs->n ? xcalloc(fs->n, sizeof(*fs->att)) : NULL;
	for (size_t i = 0; i < fs->n; i++)
		fs->att[i] = (struct notify_attachment){
			fs->f[i].filename,
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			fs->f[i].xlsx.data, fs->f[i].xlsx.len};
	r->attachments = fs->att;
	r->nattachments = fs->n;
}

void
task_forms_release(struct task_forms *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		report_form_release(&fs->f[i]);
	free(fs->f);
	free(fs->att);
	memset(fs, 0, sizeof(*fs));
}
