/*
 * web.h - `dabiao web`: the browser and JSON front of the engine (docs/web.md, docs/api.md),
 * and the accounts it knows (`dabiao user`). The only module that includes microhttpd.h.
 *
 * The server is a process beside `run` on the same store. GNU libmicrohttpd gives each
 * connection a thread; each request borrows an engine of its own for its answer (en and
 * siblings of it, engine_open_sibling, sharing en's store), so reads go on while writes
 * wait for the store's lock. Uploads are streamed to disk as they arrive. Every action is the same
 * engine call as the command line's (task_event, task_extend, task_flag), in one store
 * transaction, with the audit actor `web:LOGIN` or `link:ROLE/SUBJECT:NAME`.
 *
 * Accounts, sessions and submit links are store records (store.h); passwords are hashed
 * with Argon2id (libsodium); session, link and API tokens are 256-bit random values of
 * which the store keeps only the sha256.
 */
#ifndef DABIAO_WEB_H
#define DABIAO_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "engine/daemon/daemon.h"

struct web_opts {
	const char *listen;       /* HOST:PORT (numeric IPv4 or IPv6 in brackets) */
	bool quiet;               /* no "serving on" line on stdout */
	const char *banner;       /* printed after the URL when serving starts, or NULL */
};

/* Serves until SIGINT or SIGTERM (blocked in every thread and taken by the calling one,
 * which then lets the requests in hand end), then returns 0. en is used by the server's
 * threads until then. The configuration's web section gives the
 * base URL, the secret, the upload limit. Errors: DB_EUSAGE (a bad listen address),
 * DB_ECANTCREAT (the port cannot be bound), DB_EIO (the secret or files folder). */
int web_serve(struct engine *en, const struct web_opts *o, struct dberr *e);

/* ---- accounts (`dabiao user`), each one transaction with its audit record ---- */

/* Adds an account. role must be a role of a loaded plan; a per-jurisdiction or
 * per-enterprise role needs subject (a jurisdiction or enterprise in the registry), an
 * office role takes none. password: at least 8 bytes. Errors: DB_EUSAGE (bad role, subject
 * or password), DB_EEXIST-like DB_ESTATE (the login exists), the store's. */
int web_user_add(struct engine *en, const char *login, const char *role, const char *subject,
                 const char *name, const char *password, struct dberr *e);
/* New password (and the lockout lifted); the account's sessions end (*ended counts them)
 * and its API token stops working (*had_token: it had one; `user token` makes a new one).
 * DB_ENOTFOUND, DB_EUSAGE (too short). */
int web_user_passwd(struct engine *en, const char *login, const char *password, size_t *ended,
                    bool *had_token, struct dberr *e);
/* Disables (or enables again) an account. Disabling ends its sessions and voids its API
 * token, as web_user_passwd does (*ended, *had_token; 0 and false when enabling), so
 * enabling it again brings neither back. Errors: the store's, DB_ENOTFOUND. */
int web_user_disable(struct engine *en, const char *login, bool disabled, size_t *ended,
                     bool *had_token, struct dberr *e);
/* A new API bearer token for the account, replacing any earlier one; *token (caller
 * frees) is shown once and never stored. */
int web_user_token(struct engine *en, const char *login, char **token, struct dberr *e);
/* Calls cb with each account in login order. */
int web_user_list(struct engine *en, int (*cb)(const struct store_account *, void *),
                  void *arg, struct dberr *e);

#endif
