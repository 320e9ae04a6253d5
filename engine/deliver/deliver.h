/*
 * deliver.h - from the outbox to the recipients: batches of queued notices through the
 * SMTP transport (notifiers/smtp.h, one libESMTP session in a child process), or, when no
 * SMTP server is configured, as .eml files in <store>/outbox/ (eml.c).
 *
 * A batch is prepared and its results applied on the thread that owns the store (they
 * read and write it); deliver_send, which blocks on the network, may run in another
 * thread (the daemon's sender) as it touches neither the store nor the engine.
 *
 * Which notices: the engine's pending list (engine.h), which notice_queue fills and
 * deliver_retry_fire refills with retries whose time has come.
 */
#ifndef DABIAO_DELIVER_H
#define DABIAO_DELIVER_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/notice/notice.h"

enum deliver_result { DELIVER_OK = 0, DELIVER_TEMP, DELIVER_PERM };

struct deliver_item {
	char *key;               /* notice key */
	char *message;           /* the message bytes, CRLF */
	size_t len;
	char **rcpt;             /* recipients not yet delivered */
	size_t nrcpt;
	enum deliver_result *result; /* per recipient, filled by deliver_send */
	int *code;               /* SMTP reply code per recipient (0: none) */
	char **reply;            /* reply text per recipient, owned */
	bool applied;            /* its results are recorded in the store */
};

struct deliver_batch {
	struct deliver_item *v;
	size_t n;
};

#define DELIVER_BATCH 512

/* Moves up to max pending notices into a batch (*out NULL when there are none); the keys
 * taken leave the pending list. Errors: the store's. Free with deliver_batch_free. */
int deliver_prepare(struct engine *en, size_t max, struct deliver_batch **out,
                    struct dberr *e);
void deliver_batch_free(struct deliver_batch *b);

/* Sends a batch in one SMTP session; fills every result. A local failure (no child
 * process, no connection) makes every recipient DELIVER_TEMP with the reason. done (may be
 * NULL) is called in this thread as soon as item i's results are in. Does not touch the
 * store or the engine: safe in another thread with its own copy of cfg. Cannot fail. */
void deliver_send(const struct config *cfg, struct deliver_batch *b,
                  void (*done)(size_t i, void *arg), void *arg);

/* Records the results of items[0..n) not yet applied, in one transaction: sent, retrying
 * (a STORE_DUE_RETRY entry with backoff) or failed (and the admin told). Marks them
 * applied. Errors: the store's, notice_queue's (the failure notice). */
int deliver_apply(struct engine *en, struct deliver_item *const *items, size_t n,
                  struct dberr *e);

/* Delivers everything pending now, synchronously: SMTP, or .eml files without it.
 * *sent (may be NULL) counts notices delivered. Errors: the store's; for .eml files,
 * -errno of the file system with the path. */
int deliver_all(struct engine *en, size_t *sent, struct dberr *e);

/* Puts every notice still queued in the store (a crashed process left them) on the
 * pending list. Errors: the store's. */
int deliver_resume(struct engine *en, struct dberr *e);

/* Puts every retry due by now on the pending list and removes its due entry, in one
 * transaction (`dabiao deliver`). Errors: the store's. */
int deliver_take_due_retries(struct engine *en, struct dberr *e);

/* The scheduler's handler for a STORE_DUE_RETRY entry: the notice goes back on the
 * pending list. Cannot fail. */
int deliver_retry_fire(struct engine *en, struct store_txn *txn, const struct store_due *d,
                       bool late, struct dberr *e);

/* The .eml outbox (eml.c): writes every pending notice as <store>/outbox/<name>.eml and
 * marks it sent. *written may be NULL. Errors: -errno with the path, the store's. */
int deliver_eml_write(struct engine *en, size_t *written, struct dberr *e);

#endif
