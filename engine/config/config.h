/*
 * config.h - the operator's configuration: one YAML file (--config FILE, $DABIAO_CONFIG,
 * else /etc/dabiao/dabiao.yaml when it exists), plus $DABIAO_SMTP=smtp://host:port for
 * tests and quick starts. Without an SMTP server, notices are written as .eml files.
 *
 * config_load is the configuration reader: besides main(), the only code that reads the
 * process environment. It reads it once, into struct config, which main passes to the
 * engine; nothing below reads the environment again. The variables it reads:
 *   DABIAO_CONFIG        the file, when --config is not given
 *   DABIAO_SMTP          smtp://host:port, over the file's smtp section
 *   DABIAO_AUDIT_KEY     the checkpoint signing key's file, over audit.key_file
 *   DABIAO_AUDIT_ORIGIN  the log's name, over audit.origin
 *   DABIAO_TEMPLATES     the built-in notice templates' folder (default: the installed
 *                        copy, else the source tree the binary was built from)
 *   DABIAO_STORE_MAPSIZE a new store's initial map in bytes (tests reach MDB_MAP_FULL)
 *   DABIAO_WEB_URL       the web's base URL, over web.base_url (quick starts, tests)
 *
 * Calendar files (`calendar: {use: [...]}` in plans) are looked for in the file's
 * calendars_dir first, then in the shipped folder (the installed share/dabiao/calendars,
 * else the source tree's workflows/calendars). A calendars_dir that is not a folder is
 * refused when the file is read. The file /dev/null is an empty configuration.
 *
 *   smtp:
 *     host: mail.example.cn
 *     port: 587                 # default 25 (none) or 587 (starttls)
 *     security: starttls        # none | starttls (libESMTP speaks STARTTLS only)
 *     user: dabiao              # optional: AUTH PLAIN/LOGIN (needs starttls, or:)
 *     allow_plaintext_auth: false   # true: AUTH over an unencrypted connection
 *     password_file: /etc/dabiao/smtp-password   # never the password itself
 *     from: dabiao@example.cn
 *     timeout: 30s              # 1ms to 3600s
 *     connections: 4            # SMTP sessions at once, 1 to 16 (default 4)
 *     ca_file: /etc/dabiao/bureau-ca.pem          # optional
 *   digest: [county_epb]        # optional daily digest per role
 *   calendars_dir: /etc/dabiao/calendars     # optional: a bureau's own calendar files,
 *                                            # before the shipped ones (relative: to this file)
 *   audit:
 *     key_file: /etc/dabiao/audit-key.pem     # Ed25519, signs checkpoints
 *     origin: dabiao/changji-epb              # the log's name in checkpoints
 *   issuer:                     # defaults for plans that do not name their issuer
 *     name: 某某市生态环境局      # (same keys as a plan's issuer: docs/plan-format.md)
 *     short: 市生态环境局
 *     report_to: 市生态环境局执法支队
 *     contact: 联系电话：0000-0000000
 *   web:                        # `dabiao web` (docs/web.md)
 *     listen: 127.0.0.1:8080
 *     base_url: https://dabiao.example.cn     # links in notices; Secure cookies if https
 *     secret_file: /etc/dabiao/web-secret     # default: DB/web-secret, made when missing
 *     upload_limit: 20MB                      # one request's body; larger is 413
 *     link_days: 0                            # submit links expire after N days; 0: when
 *                                             # the task is final
 *     task_files_limit: 100MB                 # one task's files, every submission; 413
 *     files_limit: 10GB                       # every file the web keeps; 413
 *     trusted_proxies: [127.0.0.1]            # X-Forwarded-For believed from these only
 *                                             # (addresses or CIDR ranges, either family)
 *     connections_per_address: 20             # open connections per client address
 *     header_timeout: 30                      # seconds to send a request's headers
 *     task_submissions_limit: 50              # submissions one task keeps; then 429
 *     submissions_per_hour: 20                # per link, or per account and task; 429
 *     tls_cert: /etc/dabiao/tls/cert.pem      # both: `web` speaks HTTPS itself; neither:
 *     tls_key: /etc/dabiao/tls/key.pem        # plain HTTP behind nginx (deploy/)
 */
#ifndef DABIAO_CONFIG_H
#define DABIAO_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "workflows/parse/plan.h"

#define CONFIG_DEFAULT_PATH "/etc/dabiao/dabiao.yaml"

/* A range of client addresses (web.trusted_proxies: 127.0.0.1, 10.0.0.0/8, ::1, fd00::/8).
 * An IPv4 address is held in its IPv4-mapped IPv6 form (::ffff:a.b.c.d, prefix + 96): a
 * server listening on [::] sees an IPv4 client so, and an entry written either way
 * matches it either way. */
struct config_net {
	unsigned char addr[16];   /* network order, the bits past prefix zero */
	unsigned prefix;          /* 0..128 */
};
/* Whether addr (16 bytes, IPv4 as ::ffff:a.b.c.d) is in one of the n ranges. */
bool config_net_has(const struct config_net *nets, size_t n, const unsigned char addr[16]);
/* Parses "ADDR" or "ADDR/PREFIX" into *out. 0, or -1 when it is neither. */
int config_net_parse(const char *s, struct config_net *out);

/* A few sessions at once: a server that answers each message slowly (a content filter,
 * a remote relay) no longer holds the whole batch to one message at a time, and a bureau's
 * server is not flooded. */
#define CONFIG_CONNECTIONS 4
#define CONFIG_CONNECTIONS_MAX 16

enum config_security { CONFIG_SMTP_NONE = 0, CONFIG_SMTP_STARTTLS };

struct config {
	char *arg_path;        /* the path config_load was given (--config), or NULL: a
	                          reload (SIGHUP) reads the same way again */
	char *path;            /* the file read, or NULL */
	bool smtp;             /* an SMTP server is configured */
	char *host;
	int port;
	enum config_security security;
	char *user;
	char *password;        /* read from password_file; never logged */
	bool allow_plaintext_auth; /* AUTH without TLS: only when the file says so */
	char *from;
	int timeout_ms;
	int connections;       /* SMTP sessions a batch is sent over at once, 1 to
	                          CONFIG_CONNECTIONS_MAX; default CONFIG_CONNECTIONS */
	char *ca_file;
	char **digest;         /* role ids, NULL-terminated, or NULL */
	char *audit_key_file;  /* or NULL */
	char *audit_origin;    /* or NULL */
	char *template_dir;    /* the built-in zh-CN templates' folder; never NULL */
	char *calendars_dir;   /* the bureau's own calendar files, or NULL */
	char *calendar_dir;    /* the shipped calendar files' folder; never NULL */
	size_t store_mapsize;  /* bytes, 0: the store's default */
	struct plan_issuer issuer; /* defaults for a plan's issuer keys; fields may be NULL */
	char *web_listen;      /* HOST:PORT, default 127.0.0.1:8080 */
	char *web_base_url;    /* no trailing slash, or NULL: notices carry no submit links */
	char *web_secret_file; /* or NULL: DB/web-secret */
	size_t web_upload_limit; /* bytes, default 20 MiB */
	int web_link_days;     /* 0: a link lives until its task is final */
	size_t web_task_files_limit; /* bytes: every file one task's submissions keep, together */
	size_t web_files_limit;  /* bytes: every file the web keeps (DB/files), together */
	struct config_net *web_trusted_proxies; /* ranges whose X-Forwarded-For is believed */
	size_t web_ntrusted_proxies;
	int web_connections_per_address; /* open connections one address may hold (default 20;
	                                    a trusted proxy is not counted) */
	int web_task_submissions_limit; /* submissions one task keeps, over its life (50) */
	int web_submissions_per_hour; /* web submissions per link, or per account and task (20) */
	int web_header_timeout;  /* seconds a connection may take to send a request's headers,
	                            or stay idle between requests (default 30) */
	char *web_tls_cert;    /* PEM certificate chain and key: `web` speaks HTTPS itself; */
	char *web_tls_key;     /* both or neither (NULL: plain HTTP behind a proxy) */
};

/* Reads the configuration: path (NULL: $DABIAO_CONFIG, else the default path if it
 * exists, else none), then the variables above over it. A bad file (a calendars_dir that
 * is not a folder included) is DB_ECONFIG with its FILE:LINE:COLUMN; a bad variable
 * DB_ECONFIG naming it. *out is written only on success;
 * the caller frees it with config_release. */
int config_load(const char *path, struct config *out, struct dberr *e);
void config_release(struct config *c);
/* What config_load starts from: no file, no variable but DABIAO_TEMPLATES (the built-in
 * templates' folder), the shipped calendars. For a reader that needs none of the
 * operator's settings and must work when they cannot be read (`help --values`, which the
 * completion asks on every Tab). The caller frees it with config_release. Cannot fail. */
void config_defaults(struct config *out);
/* The folders calendar files are looked for in, in order, NULL-terminated, pointing into
 * c (valid while c is). Cannot fail. */
void config_calendar_dirs(const struct config *c, const char *out[3]);
/* A deep copy, for the sender thread. Cannot fail. */
void config_copy(const struct config *from, struct config *to);

#endif
