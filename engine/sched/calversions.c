/*
 * calversions.c - what a plan's new version changes in its calendars against the stored
 * version's: another file (a `load` run without the configuration that names
 * calendars_dir finds the shipped copy instead of the bureau's), fewer years covered (a
 * year added by `calendar-update` would be lost and its dues would go back to weekends
 * only), and what the calendars say besides their days (a 文号, a notice's title, a
 * holiday's name, why a year is missing), which makes a new version even when no day moves.
 */
#include <stdlib.h>
#include <string.h>

#include "base/xalloc.h"
#include "engine/sched/sched_int.h"

int
calversions_stored_sources(struct engine *en, const struct store_plan *cur, char out[65],
                           struct dberr *e)
{
	const struct engine_plan *ep = engine_plan_find(en, cur->id);
	struct plan *p = NULL;
	int rc;

	if (ep != NULL && ep->version == cur->version) {
		memcpy(out, ep->plan->calendar_sources_sha256, 65);
		return 0;
	}
	/* another process stored a version since this one opened the store */
	if ((rc = engine_plan_parse_stored(cur, &p, e)) != 0)
		return rc;
	memcpy(out, p->calendar_sources_sha256, 65);
	plan_free(p);
	return 0;
}

static bool
has_year(const struct calfile *f, int year)
{
	return calfile_year(f, year) != NULL;
}

void
calversions_compare(const struct plan *p, const struct store_plan *cur, struct buf *notes,
                    bool *lost)
{
	for (size_t i = 0; i < p->nuses; i++) {
		const struct plan_calendar_use *u = &p->uses[i];
		const struct store_plan_calendar *old = NULL;
		struct calfile *of = NULL;
		struct dberr e;
		size_t before = notes->len, nlost = 0;

		for (size_t k = 0; k < cur->ncalendars && old == NULL; k++)
			if (strcmp(cur->calendars[k].name, u->file->name) == 0)
				old = &cur->calendars[k];
		if (old == NULL)
			continue; /* newly used: nothing to lose */
		dberr_clear(&e);
		if (calfile_parse(old->path ? old->path : old->name, old->source, old->source_len,
		                  &of, &e) != 0)
			continue; /* stored by a dabiao that read it otherwise: nothing to compare */
		for (size_t k = 0; k < of->nversions; k++) {
			int y = of->versions[k].year;

			if (!of->versions[k].latest || has_year(u->file, y))
				continue;
			buf_printf(notes, "%s%d", nlost++ ? ", " : "", y);
		}
		if (nlost > 0) {
			/* the years were written first: put the sentence around them */
			char *years = xstrdup(notes->data + before);

			notes->len = before;
			notes->data[before] = '\0';
			buf_printf(notes, "%s: %s no longer has %s %s, which the stored version's copy "
			           "(%s) has: dues in %s would assume %s\n", u->file->name, u->path,
			           nlost == 1 ? "the year" : "the years", years,
			           old->path ? old->path : "kept in the store", years,
			           u->file->layer_of ? "none of its days" : "weekends only");
			free(years);
			*lost = true;
		} else if (old->path != NULL && strcmp(old->path, u->path) != 0) {
			buf_printf(notes, "%s: now read from %s; the stored version's came from %s\n",
			           u->file->name, u->path, old->path);
		}
		calfile_free(of);
	}
}
