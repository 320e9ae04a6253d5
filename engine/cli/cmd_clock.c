/*
 * cmd_clock.c - `dabiao clock`: the store's clock mode, its now and its zone, as
 * "name: value" lines or, through the one writer, one JSON object (docs/output.md): mode,
 * now (RFC 3339 with offset), now_unix (seconds), zone.
 *
 * `clock --go-live` turns a rehearsed virtual-clock store into a real-clock one (with
 * --format json, said as one object: the clock's fields, then rehearsal_now and late): the plan,
 * the registry, the tasks, the outbox and the audit trail stay; from then on now is the
 * wall clock. Time never runs backwards, so a store whose virtual now is ahead of the wall
 * clock is refused. What fell due between the rehearsal's now and the wall clock is
 * applied by the next `dabiao run`, late and in order, as after downtime.
 */
#include <stdio.h>

#include "engine/cli/cli.h"
#include "engine/report/report.h"

struct golive {
	struct engine *en;
	int64_t wall, virt;     /* the wall clock, the rehearsal's now */
	size_t late;            /* due entries between them */
};

static int
count_cb(const struct store_due *d, void *arg)
{
	(void)d;
	((struct golive *)arg)->late++;
	return 0;
}

static int
golive_txn(struct store_txn *txn, void *arg, struct dberr *e)
{
	struct golive *g = arg;
	struct store_clock sc;
	char virt[40], wall[40], details[160];
	int rc;

	g->late = 0;
	if ((rc = store_clock_get(txn, &sc, e)) != 0)
		return rc;
	if (sc.mode == STORE_CLOCK_REAL)
		return dberr_set(e, DB_ESTATE, "the store runs on the real clock already");
	g->virt = sc.now;
	if (sc.now > g->wall) {
		tz_format_rfc3339(engine_tz(g->en), sc.now, virt);
		tz_format_rfc3339(engine_tz(g->en), g->wall, wall);
		return dberr_set(e, DB_ESTATE, "the store's now (%s) is ahead of the wall clock "
		                 "(%s): a real clock cannot go back to it; go live after that time, "
		                 "or rehearse again in a new store", virt, wall);
	}
	if ((rc = store_due_each(txn, g->wall, 0, count_cb, g, e)) != 0)
		return rc;
	sc.mode = STORE_CLOCK_REAL;
	if ((rc = store_clock_put(txn, &sc, e)) != 0)
		return rc;
	snprintf(details, sizeof(details), "{\"virtual_now\":%lld,\"wall\":%lld,\"late\":%zu}",
	         (long long)g->virt, (long long)g->wall, g->late);
	return engine_audit(g->en, txn, "clock.go-live", NULL, NULL, "virtual", "real", details,
	                    e);
}

static int
go_live(struct cli *c, enum report_format fmt)
{
	static const char *const columns[] = {"mode", "now", "now_unix", "zone", "rehearsal_now",
	                                      "late"};
	struct golive g = {0};
	struct report_table t;
	char virt[40], wall[40];
	int rc;

	c->flags |= CLI_WRITE;
	if ((rc = cli_engine(c, &g.en)) != 0)
		return rc;
	g.wall = engine_wall_clock();
	if ((rc = store_write(engine_store(g.en), golive_txn, &g, &c->err)) != 0)
		return rc;
	tz_format_rfc3339(engine_tz(g.en), g.virt, virt);
	tz_format_rfc3339(engine_tz(g.en), g.wall, wall);
	if (fmt == REPORT_FMT_JSON) {
		/* a script asked for JSON: the same writer and fields as `clock`, and what the
		 * switch left for the next `run` (review 13d: it printed the sentence) */
		report_table_init(&t, "", "clock", columns, 6);
		report_table_keys(&t, "clock", columns);
		t.record = true;
		report_add_str(&t, "real");
		report_add_str(&t, wall);
		report_add_num(&t, (double)g.wall, 0);
		report_add_str(&t, tz_name(engine_tz(g.en)));
		report_add_str(&t, virt);
		report_add_num(&t, (double)g.late, 0);
		rc = report_write(&t, 1, fmt, NULL, &c->err);
		report_table_release(&t);
		return rc;
	}
	printf("%s now runs on the real clock (it is %s). The rehearsal's now was %s; %zu due "
	       "entr%s fell between the two: the next `dabiao run` applies them late, in "
	       "order, as after downtime.\n", c->env->db, wall, virt, g.late,
	       g.late == 1 ? "y" : "ies");
	return 0;
}

int
cmd_clock(struct cli *c)
{
	static const char *const columns[] = {"mode", "now", "now_unix", "zone"};
	const char *format = "table";
	bool live = false;
	struct cli_opt opts[] = {{"format", &format, NULL}, {"go-live", NULL, &live},
	                         {NULL, NULL, NULL}};
	struct report_table t;
	enum report_format fmt;
	struct engine *en;
	char now[40];
	int rc;

	if ((rc = cli_parse(c, opts, NULL, 0, NULL)) != 0 ||
	    (rc = cli_format(c, format, REPORT_FMT_MASK(REPORT_FMT_TABLE) |
	                                 REPORT_FMT_MASK(REPORT_FMT_JSON), &fmt)) != 0)
		return rc;
	if (live)
		return go_live(c, fmt);
	if ((rc = cli_engine(c, &en)) != 0)
		return rc;
	tz_format_rfc3339(engine_tz(en), engine_now(en), now);
	report_table_init(&t, "", "clock", columns, 4);
	report_table_keys(&t, "clock", columns);
	report_table_colflags(&t, 2, REPORT_COL_WIDE);
	t.record = true;
	report_add_str(&t, engine_clock_mode(en) == STORE_CLOCK_VIRTUAL ? "virtual" : "real");
	report_add_str(&t, now);
	report_add_num(&t, (double)engine_now(en), 0);
	report_add_str(&t, tz_name(engine_tz(en)));
	rc = report_write(&t, 1, fmt, NULL, &c->err);
	report_table_release(&t);
	return rc;
}
