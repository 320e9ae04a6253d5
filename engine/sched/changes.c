/*
 * changes.c - what a plan version, a registry import or a retirement did to tasks, counted
 * and sampled, so `load --dry-run` and `load` say the same thing in the same words.
 */
#include <stdio.h>
#include <string.h>

#include "engine/sched/sched.h"

static const char *const titles[SCHED_CHANGE_KINDS] = {
	[SCHED_ADDED] = "tasks added",
	[SCHED_GRACE] = "added too late to be met (grace period, start notice)",
	[SCHED_NOT_APPLICABLE] = "not applicable (period ended before the task could exist)",
	[SCHED_CANCELLED] = "tasks cancelled",
	[SCHED_REOPENED] = "cancelled tasks given again (reopened, history kept)",
	[SCHED_MOVED] = "deadlines moved",
	[SCHED_REMINDERS] = "reminders or escalations changed",
	[SCHED_RENAMED] = "renamed milestone's tasks carried over",
	[SCHED_REASSIGNED] = "moved to another jurisdiction",
	[SCHED_HANDED_OVER] = "handed over to another owner (both owners told)",
	[SCHED_KEPT] = "dates changed but kept (why)",
	[SCHED_REJUDGED] = "hand-ins judged again by the sections now required",
	[SCHED_TOLD] = "owners told (one notice each, listing their changes)",
	[SCHED_FIELDS] = "subjects' fields changed (before -> after, each audited)",
	[SCHED_WITHDRAWN] = "proposed warnings withdrawn (their rule is gone or decides no more)",
};

void
sched_changes_reset(struct sched_changes *c)
{
	memset(c->n, 0, sizeof(c->n));
}

void
sched_changes_note(struct sched_changes *c, enum sched_change kind, const char *key,
                   const char *text)
{
	if (c == NULL || (unsigned)kind >= SCHED_CHANGE_KINDS)
		return;
	if (c->n[kind] < SCHED_CHANGE_LINES) {
		char *l = c->lines[kind][c->n[kind]];
		int w = snprintf(l, SCHED_CHANGE_LINE_MAX, "%-60s %s", key, text ? text : "");

		/* a long value (a reason of 330 characters) is cut at a character, never inside
		 * one, and the cut is shown: the output stays UTF-8 (review12z, Z4) */
		if (w >= SCHED_CHANGE_LINE_MAX) {
			size_t n = SCHED_CHANGE_LINE_MAX - sizeof("…");

			while (n > 0 && ((unsigned char)l[n] & 0xC0) == 0x80)
				n--;
			memcpy(l + n, "…", sizeof("…"));
		}
	}
	c->n[kind]++;
}

size_t
sched_changes_total(const struct sched_changes *c)
{
	size_t n = 0;

	for (size_t k = 0; k < SCHED_CHANGE_KINDS; k++)
		n += c->n[k];
	return n;
}

void
sched_changes_text(const struct sched_changes *c, struct buf *out)
{
	for (size_t k = 0; k < SCHED_CHANGE_KINDS; k++)
		if (c->n[k] > 0)
			buf_printf(out, "  %-58s %zu\n", titles[k], c->n[k]);
	for (size_t k = 0; k < SCHED_CHANGE_KINDS; k++) {
		if (c->n[k] == 0)
			continue;
		buf_printf(out, "%s:\n", titles[k]);
		for (size_t i = 0; i < c->n[k] && i < SCHED_CHANGE_LINES; i++)
			buf_printf(out, "  %s\n", c->lines[k][i]);
		if (c->n[k] > SCHED_CHANGE_LINES)
			buf_printf(out, "  ... and %zu more\n", c->n[k] - SCHED_CHANGE_LINES);
	}
}
