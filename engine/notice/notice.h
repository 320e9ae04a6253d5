/*
 * notice.h - one notice: addressed from the registry, rendered from its template, built
 * into final message bytes and queued in the outbox with its audit record. The only
 * caller of the notifiers' template and message builders.
 *
 * Producers (the scheduler, the rules, lifecycle events, delivery failures) call
 * notice_queue inside their transaction; the queued notice enters the store's queue of
 * deliverable notices (store_notice_add) in that same transaction, and delivery claims it
 * from there after the commit, in this process or another.
 *
 * Digests: a recipient whose role is in the configuration's `digest` list, or any recipient
 * of a notice whose kind the plan groups (`notices.group`), is left out of a notice's own
 * delivery; the notice's text is kept under NOTICE_DIGEST_BODY<key>; a line for the notice is kept in the store's meta database
 * under the digest key "digest#<plan>#<YYYY-MM-DD>#<address>" (the local day of the next
 * notify_at), and a STORE_DUE_DIGEST entry with that key is put for that instant. The
 * rules module's digest_fire reads the lines back ("<notice key>\t<task>\t<kind>\t<subject
 * line>\t<addressee unit>\n" each; lines of older stores have no unit) when the entry comes
 * due.
 */
#ifndef DABIAO_NOTICE_H
#define DABIAO_NOTICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/engine.h"
#include "notifiers/message.h"

struct notice_var {
	const char *name;
	const char *value;
};

struct notice_req {
	const struct engine_plan *ep;
	const char *kind;             /* notice kind, X-Dabiao-Kind */
	const char *tmpl;             /* template kind when not kind itself (a list of kind's
	                                 notices: start-list), or NULL */
	const char *fallback;         /* template kind when <kind>.txt is missing */
	const char *key;              /* notice key: the outbox refuses it a second time */
	const struct store_task *task;/* the task, or NULL (conduct warnings) */
	const char *subject;          /* jurisdiction or enterprise id */
	const char *const *tasks;     /* X-Dabiao-Task values (NULL: task->key) */
	size_t ntasks;
	const struct plan_target *targets;
	size_t ntargets;
	int64_t scheduled;            /* when it should have gone out (UTC seconds) */
	bool late;                    /* applied after downtime: the text and headers say so */
	const struct notice_var *vars;/* extra template values */
	size_t nvars;
	const struct notify_attachment *attachments; /* e.g. the dispatch's XLSX; may be NULL */
	size_t nattachments;
	const char *const *to_addrs;  /* explicit recipients instead of targets (digests) */
	size_t nto_addrs;
	const char *text_subject;     /* the words, already made (a digest of one notice sends */
	const char *text_body;        /* that notice's own: the body with its title in front);
	                                 NULL: render the kind's template */
	const char *const *carries;   /* a grouped message: the keys of the notices it carries
	                                 (its audit record lists them); NULL otherwise */
	size_t ncarries;
};

/* Renders, addresses and queues one notice in the outbox, with its audit record, inside
 * txn. A key seen before queues nothing and returns 0. Role contacts that are missing go
 * to the registry's admin contact and the gap is recorded in the notice. A notice that
 * cannot be made (no template for its kind, a value or address the message builder
 * refuses) does not fail the call: it is kept as failed with the reason (extra "error"),
 * audited as notice.failed, and the registry's admin is told once per distinct reason (a
 * delivery-failed notice keyed PLAN/unbuildable/HASH). Errors: the store's. The request's
 * strings are only read during the call. */
int notice_queue(struct engine *en, struct store_txn *txn, const struct notice_req *r,
                 struct dberr *e);

/* A submit link for task t's owner, made for the notice keyed notice_key of kind (a
 * notice listing several tasks gives each its own: a start-list): *url is xmalloc'd
 * (caller frees), or NULL when the configuration has no web base URL or the task takes no
 * hand-in now or kind carries none. The store keeps the link's hash (as notice_queue's
 * links). Errors: DB_ETEMP (no random bytes), the store's. */
int notice_submit_link(struct engine *en, struct store_txn *txn, const struct engine_plan *ep,
                       const struct store_task *t, const char *kind, const char *notice_key,
                       char **url, struct dberr *e);

struct strset;
/* Adds to *to the addresses of role for one task, as notices resolve them (the one rule the
 * web's and status's "whom to call" columns share): per jurisdiction from the registry's
 * jurisdiction (jurisdiction; NULL or "" adds none), per enterprise from the enterprise
 * (subject; NULL adds none), an office from the registry's offices; the subject's
 * addresses for the role, else its general ones. A subject the registry does not hold adds
 * none. Errors: the store's. */
int notice_role_addresses(struct store_txn *txn, const struct plan_role *role,
                          const char *jurisdiction, const char *subject, struct strset *to,
                          struct dberr *e);

/* Checks the plan's own template folder, if it has one (p parsed from path): an unknown
 * placeholder or a bad template is DB_EDATA at its FILE:LINE:COLUMN, found at check/load
 * time. */
int notice_check_templates(const struct plan *p, const char *path, struct dberr *e);
/* The same, keeping the files: *out holds the folder's templates (*n of them, in kind
 * order; NULL/0 when the plan has no folder or it holds none) for the plan version to
 * store (engine_plan.tpls). Caller frees with notice_templates_free. Errors as
 * notice_check_templates; on failure nothing is written. */
int notice_templates_read(const struct plan *p, const char *path,
                          struct store_plan_template **out, size_t *n, struct dberr *e);
void notice_templates_free(struct store_plan_template *v, size_t n);

/* What a notice of kind is called in Chinese, for a text that speaks of another notice
 * (提醒, 逾期通知, 督办通知, 约谈预警, …); a plan's own kind is "通知". Cannot fail. */
const char *notice_kind_zh(const char *kind);

/* The name of the .eml file in <db>/outbox/ (the embedded default delivery) of the notice
 * with this key, scheduled at this UTC second: the time (sorts by schedule), the key made
 * safe (for people), and the first 128 bits of the key's SHA-256 in hex (two keys never
 * share a name). Also recorded, with the sha256 of the message bytes, in the notice's
 * notice.queue audit record, so a file found in the outbox leads to the record that proves
 * it. Caller frees. Cannot fail. */
char *notice_eml_name(const char *key, int64_t scheduled);

/* The meta key prefix of a digested notice's text (title and body), "<prefix><notice key>":
 * what its recipients' digest carries. */
#define NOTICE_DIGEST_BODY "digest-body#"

/* A queued notice's extra: the key its notice.queue record is filed under when that is not
 * one task's (a conduct warning: its own key); its delivery records are filed there too. */
#define NOTICE_FILED_UNDER "filed_under"

/* The prefix of digest keys, as a STORE_DUE_DIGEST entry's task. */
#define NOTICE_DIGEST_PREFIX "digest#"

/* The notice key of the grouped message (a digest, notices.group) of plan's notices to
 * addr on a local date YYYY-MM-DD, "PLAN/digest/DATE/ADDR": its Message-ID and .eml name
 * come from it, and a notice sent only inside it names it in its audit record
 * (docs/audit.md). Caller frees. Cannot fail. */
char *notice_digest_message_key(const char *plan, const char *date, const char *addr);
/* The grouped message's key (as notice_digest_message_key) that carries to addr a notice of
 * ep's scheduled at `scheduled` when it goes in a day's message: the day that message goes
 * out. Caller frees. Cannot fail. */
char *notice_digest_key_for(const struct engine_plan *ep, int64_t scheduled, const char *addr);

#endif
