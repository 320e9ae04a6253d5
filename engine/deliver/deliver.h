/*
 * deliver.h - from the outbox to the recipients: batches of claimed notices through the
 * SMTP transport (notifiers/smtp.h: smtp.connections libESMTP sessions at once, each in a
 * helper process; deliver_smtp.c), or, when no
 * SMTP server is configured, as .eml files in <store>/outbox/ (eml.c); on a throw-away
 * store (engine_dry) through a null transport that delivers nothing.
 *
 * What is sent is decided by the store alone, never by a list in memory: a batch is the
 * notices this process claimed (store.h's delivery records) in one write transaction,
 * each claim naming this process and a lease. A result is recorded against its claim:
 * for a notice already sent, or claimed by someone else since, it changes nothing and
 * writes no audit record, so applying a result twice is harmless. Any process may
 * deliver (the daemon, `deliver`, `advance`): claims exclude each other. A claim whose
 * process died (same host, no such pid) or whose lease ran out goes back to the queue,
 * so a crash repeats at most the messages claimed at that moment, with their Message-ID.
 *
 * Threads: deliver_claim, deliver_apply and deliver_release read and write the store, on
 * the thread that owns the engine; deliver_send touches neither the store nor the engine
 * and may run in another thread (the daemon's sender).
 */
#ifndef DABIAO_DELIVER_H
#define DABIAO_DELIVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/notice/notice.h"

enum deliver_result { DELIVER_OK = 0, DELIVER_TEMP, DELIVER_PERM };

struct deliver_item {
	char *key;               /* notice key */
	int64_t scheduled;       /* the notice's scheduled time (the .eml name sorts by it) */
	char *message;           /* the message bytes, CRLF */
	size_t len;
	char **rcpt;             /* recipients not yet delivered */
	size_t nrcpt;
	enum deliver_result *result; /* per recipient, filled by deliver_send */
	int *code;               /* SMTP reply code per recipient (0: none) */
	char **reply;            /* reply text per recipient, owned */
	bool done;               /* deliver_send has filled the results */
	bool applied;            /* deliver_apply has recorded them (or found them stale) */
};

enum deliver_transport { DELIVER_NULL = 0, DELIVER_FILE, DELIVER_SMTP };

struct deliver_batch {
	struct deliver_item *v;
	size_t n;
	uint64_t claim;          /* the claim every item was taken under */
	enum deliver_transport transport;
	char *dir;               /* DELIVER_FILE: the .eml folder */
};

/* Notices per batch: small enough that a batch's session ends (or is abandoned) in
 * seconds (about 0.2 ms a message to a server on the same machine, a few ms across a
 * network), large enough that one commit records many results and one helper process
 * serves many messages: at 64, a burst of 100,000 spent more on the two synced commits
 * and the spawn of each batch than on SMTP. */
#define DELIVER_BATCH 256

/* In one write transaction: returns to the queue the claims whose lease ended or whose
 * process is gone (call it only with no batch of this process out: claims with this
 * process's pid count as an earlier life's), then claims up to max notices deliverable now (queued or retrying,
 * due <= the engine's now) for this process, with a lease of lease_s seconds of wall
 * clock, and builds their batch (*out NULL when there is nothing to deliver). Errors: the
 * store's. Free with deliver_batch_free. */
int deliver_claim(struct engine *en, size_t max, int64_t lease_s, struct deliver_batch **out,
                  struct dberr *e);
void deliver_batch_free(struct deliver_batch *b);
/* The lease a batch of n notices needs under this configuration: the transport's total
 * time limit for it plus a margin. Cannot fail. */
int64_t deliver_lease(const struct config *cfg, size_t n);

/* The SMTP helper processes a sender keeps from one batch to the next, one per connection
 * (notifiers/smtp.h, notify_smtp_helper): an exec of a helper costs more CPU than the
 * 256 messages of its batch to a server nearby. Each dies with the thread that started
 * it: make, use and free the set in one thread that outlives its batches (the daemon's
 * sender thread, a command's). deliver_helpers_free ends the processes; NULL is
 * allowed. Cannot fail. */
struct deliver_helpers;
struct deliver_helpers *deliver_helpers_new(void);
void deliver_helpers_free(struct deliver_helpers *h);

/* Delivers a batch through its transport and fills every item's results; done (may be
 * NULL) is called in this thread exactly once per item, as soon as its results are in.
 * SMTP sessions run in hs's helpers (started as needed; a batch that loses its helper, or
 * is abandoned, ends it as before and the next batch starts another), or with hs NULL in
 * helpers spawned for this batch alone.
 * cancel_fd (-1: none) becoming readable abandons the batch: the SMTP helper is killed,
 * no more files are written, and the items not yet done stay so (their claims are
 * released or expire). Does not touch the store or the engine. Cannot fail: a local
 * failure (no helper process, no connection, a full disk) is a DELIVER_TEMP result with
 * the reason. */
void deliver_send(const struct config *cfg, struct deliver_helpers *hs,
                  struct deliver_batch *b, int cancel_fd,
                  void (*done)(size_t i, void *arg), void *arg);

/* Records the results of items[0..n) (done and not yet applied) in one transaction, each
 * against the batch's claim: sent, retrying (back in the queue after a backoff) or failed
 * (and the admin told). Marks them applied after the commit. Errors: the store's. */
int deliver_apply(struct engine *en, const struct deliver_batch *b,
                  struct deliver_item *const *items, size_t n, struct dberr *e);
/* Gives back the claims of b's items that have no result (an abandoned batch): they are
 * queued again at once, their attempts unchanged. Errors: the store's. */
int deliver_release(struct engine *en, const struct deliver_batch *b, struct dberr *e);

/* deliver_claim and the recording of a sent batch (deliver_apply of its items with
 * results, deliver_release of the rest) inside the caller's write transaction txn, at the
 * engine's now: `advance` claims in the commit that queued the notices and records the
 * results in its next one, rather than three synced commits of their own for each instant
 * that queued notices. deliver_record_in leaves the items as they were (a transaction run
 * again records them again): free b after txn's commit. Errors: the store's. */
int deliver_claim_in(struct engine *en, struct store_txn *txn, size_t max, int64_t lease_s,
                     struct deliver_batch **out, struct dberr *e);
int deliver_record_in(struct engine *en, struct store_txn *txn, const struct deliver_batch *b,
                      struct dberr *e);
/* After the commit that recorded b with deliver_record_in: one info line per recipient
 * (the engine's verbosity; deliver_apply says the same of what it records). Cannot fail. */
void deliver_log_recorded(struct engine *en, const struct deliver_batch *b);

/* Delivers everything deliverable now, synchronously, batch by batch: claim, send, record.
 * *sent (may be NULL) counts notices that reached every recipient. Errors: the store's. */
int deliver_all(struct engine *en, size_t *sent, struct dberr *e);

/* The earliest time a queued or retrying notice becomes deliverable (INT64_MAX: none).
 * Errors: the store's. */
int deliver_next(struct engine *en, int64_t *at, struct dberr *e);

/* What the recipients of notice n (as store_notice_get reads it) that did not get it last
 * answered, "ADDR: retrying 451 4.3.0 ..." / "ADDR: failed 550 ...", in the record's
 * order; for a notice that could not be built (failed, with an "error"), every recipient
 * with that reason. *out is an xmalloc'd array of *nout xmalloc'd strings (NULL/0 when
 * none): the caller frees each and the array. Cannot fail. */
void deliver_answers(const struct store_notice *n, char ***out, size_t *nout);

/* The scheduler's handler for a STORE_DUE_RETRY entry: nothing. The entry only wakes the
 * scheduler at a retry's time (so `advance` delivers it then, on its virtual clock); what
 * is deliverable is the delivery queue's business. Cannot fail. */
int deliver_retry_fire(struct engine *en, struct store_txn *txn, const struct store_due *d,
                       bool late, struct dberr *e);

/* eml.c: writes each item of a DELIVER_FILE batch as <dir>/<name>.eml (a temporary name,
 * fsync, rename; several files at once, in threads of its own that end before it returns),
 * then fsyncs the folder, then calls done for each, in this thread; a file that cannot be
 * written is a DELIVER_TEMP result naming the path and the reason. Stops early, leaving
 * the rest not done, when cancel_fd is readable. */
void deliver_eml_send(struct deliver_batch *b, int cancel_fd,
                      void (*done)(size_t i, void *arg), void *arg);

#endif
