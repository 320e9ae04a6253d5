/*
 * config.c - the configuration reader (config.h): the file, then the environment over it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/addr.h"
#include "base/file.h"
#include "base/num.h"
#include "base/xalloc.h"
#include "engine/config/config.h"
#include "workflows/parse/ydoc.h"

/* smtp://host:port */
static int
parse_smtp_url(const char *url, struct config *c, struct dberr *e)
{
	const char *p = url, *colon;
	uint64_t port;

	if (strncmp(p, "smtp://", 7) != 0)
		return dberr_set(e, DB_ECONFIG, "DABIAO_SMTP must look like smtp://host:port, "
		                 "not '%s'", url);
	p += 7;
	/* host and port only: credentials in a URL would end in logs and process listings,
	 * and a path means the operator expected something this does not do */
	if (strpbrk(p, "@/?#") != NULL)
		return dberr_set(e, DB_ECONFIG, "DABIAO_SMTP must be exactly smtp://host:port "
		                 "(no user, password or path), not '%s'", url);
	colon = strrchr(p, ':');
	if (colon == NULL || colon == p)
		return dberr_set(e, DB_ECONFIG, "DABIAO_SMTP needs a host and a port: '%s'", url);
	/* digits only: strtol would take "+25" and " 25" */
	if (!num_u64(colon + 1, strlen(colon + 1), &port))
		return dberr_set(e, DB_ECONFIG, "DABIAO_SMTP: bad port in '%s'", url);
	if (port < 1 || port > 65535)
		return dberr_set(e, DB_ECONFIG, "DABIAO_SMTP: port out of range in '%s'", url);
	/* the server named here is spoken to without TLS: a password from the file would
	 * go in clear text */
	if (c->user != NULL && !c->allow_plaintext_auth)
		return dberr_set(e, DB_ECONFIG, "DABIAO_SMTP names a server without TLS, and %s has "
		                 "smtp.user: the password would go in clear text; unset DABIAO_SMTP, "
		                 "or set smtp.allow_plaintext_auth: true", c->path ? c->path :
		                 "the configuration");
	free(c->host);
	c->host = xstrndup(p, (size_t)(colon - p));
	c->port = (int)port;
	c->security = CONFIG_SMTP_NONE;
	c->smtp = true;
	return 0;
}

static int
read_password(const char *path, char **out, struct dberr *e)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	size_t n;

	if (f == NULL)
		return dberr_set(e, DB_ECONFIG, "cannot read the SMTP password file %s: %s", path,
		                 strerror(errno));
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	n = strlen(line);
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	*out = xstrdup(line);
	explicit_bzero(line, sizeof(line));
	return 0;
}

/* An SMTP reply never needs more than RFC 5321 4.5.3.2's longest wait (10 minutes for the
 * end of DATA); an hour leaves room and keeps the milliseconds far inside an int. */
#define CONFIG_TIMEOUT_MAX_MS 3600000LL

static int
parse_timeout(const struct ydoc *d, const struct ydoc_node *n, int *ms, struct dberr *e)
{
	const char *s, *p;
	long long v = 0;

	if (ydoc_string(d, n, "smtp.timeout", &s, e) != 0)
		return DB_EDATA;
	/* digits only (no sign, space or exponent), accumulated only while they can still be
	 * in range, so no value overflows */
	for (p = s; *p >= '0' && *p <= '9'; p++)
		if (v <= CONFIG_TIMEOUT_MAX_MS)
			v = v * 10 + (*p - '0');
	if (p == s || (strcmp(p, "s") != 0 && strcmp(p, "ms") != 0 && *p != '\0'))
		return ydoc_error(d, n, e, "smtp.timeout must look like 30s or 500ms, not '%s'", s);
	if (strcmp(p, "ms") != 0)
		v = v > CONFIG_TIMEOUT_MAX_MS / 1000 ? CONFIG_TIMEOUT_MAX_MS + 1 : v * 1000;
	if (v < 1 || v > CONFIG_TIMEOUT_MAX_MS)
		return ydoc_error(d, n, e, "smtp.timeout must be between 1ms and 3600s, not '%s'",
		                  s);
	*ms = (int)v;
	return 0;
}

static int
parse_smtp(const struct ydoc *d, const struct ydoc_node *smtp, struct config *c,
           struct dberr *e)
{
	static const char *const keys[] = {"host", "port", "security", "user", "password_file",
	                                   "from", "timeout", "ca_file", "allow_plaintext_auth",
	                                   "connections", NULL};
	const struct ydoc_node *n;
	const char *s;
	long port;
	int rc;

	if ((rc = ydoc_check_keys(d, smtp, "smtp", keys, e)) != 0)
		return rc;
	if ((n = ydoc_get(smtp, "host")) == NULL)
		return ydoc_error(d, smtp, e, "smtp needs a host");
	if ((rc = ydoc_string(d, n, "smtp.host", &s, e)) != 0)
		return rc;
	c->host = xstrdup(s);
	c->smtp = true;
	if ((n = ydoc_get(smtp, "security")) != NULL) {
		if ((rc = ydoc_string(d, n, "smtp.security", &s, e)) != 0)
			return rc;
		if (strcmp(s, "starttls") == 0)
			c->security = CONFIG_SMTP_STARTTLS;
		else if (strcmp(s, "none") != 0)
			return ydoc_error(d, n, e, "smtp.security must be none or starttls, not '%s' "
			                  "(libESMTP has no implicit TLS on port 465)", s);
	}
	c->port = c->security == CONFIG_SMTP_STARTTLS ? 587 : 25;
	if ((n = ydoc_get(smtp, "port")) != NULL) {
		if ((rc = ydoc_int(d, n, "smtp.port", 1, 65535, &port, e)) != 0)
			return rc;
		c->port = (int)port;
	}
	if ((n = ydoc_get(smtp, "user")) != NULL) {
		if ((rc = ydoc_string(d, n, "smtp.user", &s, e)) != 0)
			return rc;
		c->user = xstrdup(s);
	}
	if ((n = ydoc_get(smtp, "password_file")) != NULL) {
		if ((rc = ydoc_string(d, n, "smtp.password_file", &s, e)) != 0)
			return rc;
		if ((rc = read_password(s, &c->password, e)) != 0)
			return rc;
	}
	if ((n = ydoc_get(smtp, "from")) != NULL) {
		const char *why;

		if ((rc = ydoc_string(d, n, "smtp.from", &s, e)) != 0)
			return rc;
		/* the grammar every notice is built with: refused now, not at the first send */
		if ((why = addr_check(s, 0, NULL)) != NULL)
			return ydoc_error(d, n, e, "smtp.from is not a plain address: %s", why);
		free(c->from);
		c->from = xstrdup(s);
	}
	if ((n = ydoc_get(smtp, "allow_plaintext_auth")) != NULL &&
	    (rc = ydoc_bool(d, n, "smtp.allow_plaintext_auth", &c->allow_plaintext_auth, e)) != 0)
		return rc;
	/* A password over an unencrypted connection is readable by anyone on the path: only
	 * when the operator says so in as many words. */
	if (c->user != NULL && c->security == CONFIG_SMTP_NONE && !c->allow_plaintext_auth)
		return ydoc_error(d, ydoc_get(smtp, "user"), e, "smtp.user with security: none "
		                  "would send the password in clear text; use security: starttls, "
		                  "or set smtp.allow_plaintext_auth: true");
	if ((n = ydoc_get(smtp, "ca_file")) != NULL) {
		if ((rc = ydoc_string(d, n, "smtp.ca_file", &s, e)) != 0)
			return rc;
		c->ca_file = xstrdup(s);
	}
	if ((n = ydoc_get(smtp, "connections")) != NULL) {
		long conns;

		if ((rc = ydoc_int(d, n, "smtp.connections", 1, CONFIG_CONNECTIONS_MAX, &conns,
		                   e)) != 0)
			return rc;
		c->connections = (int)conns;
	}
	if ((n = ydoc_get(smtp, "timeout")) != NULL)
		return parse_timeout(d, n, &c->timeout_ms, e);
	return 0;
}

/* The issuer's fields in the order of the plan's issuer keys. */
static char **
issuer_field(struct plan_issuer *is, size_t i)
{
	char **f[] = {&is->name, &is->short_name, &is->basis, &is->clause,
	              &is->accountability_clause, &is->work, &is->area, &is->report_to,
	              &is->contact};

	return f[i];
}

static const char *const issuer_keys[] = {"name", "short", "basis", "clause",
                                          "accountability_clause", "work", "area",
                                          "report_to", "contact", NULL};

/* issuer: defaults for plans that do not name who signs their notices. */
static int
parse_issuer(const struct ydoc *d, const struct ydoc_node *n, struct config *c,
             struct dberr *e)
{
	const struct ydoc_node *v;
	const char *s;
	int rc;

	if ((rc = ydoc_check_keys(d, n, "issuer", issuer_keys, e)) != 0)
		return rc;
	for (size_t i = 0; issuer_keys[i]; i++)
		if ((v = ydoc_get(n, issuer_keys[i])) != NULL) {
			if ((rc = ydoc_string(d, v, issuer_keys[i], &s, e)) != 0)
				return rc;
			*issuer_field(&c->issuer, i) = xstrdup(s);
		}
	return 0;
}

/* "20MB", "512KB", "1048576": bytes, at least 1 KB (a form with its boundary). */
static int
parse_size(const char *s, size_t *out)
{
	const uint64_t most = (uint64_t)1 << 34;
	size_t digits = strspn(s, "0123456789");
	const char *unit = s + digits;
	uint64_t v, times;

	/* the digits strictly (num.h: no sign, no blank), then the unit; strtoull took
	 * " 20MB" and wrapped a long number round to a small one */
	if (!num_u64(s, digits, &v))
		return -1;
	if (*unit == '\0')
		times = 1;
	else if (strcmp(unit, "KB") == 0 || strcmp(unit, "K") == 0)
		times = 1024;
	else if (strcmp(unit, "MB") == 0 || strcmp(unit, "M") == 0)
		times = (uint64_t)1 << 20;
	else if (strcmp(unit, "GB") == 0 || strcmp(unit, "G") == 0)
		times = (uint64_t)1 << 30;
	else
		return -1;
	if (v > most / times || v * times < 1024)
		return -1;
	*out = (size_t)(v * times);
	return 0;
}

/* web.listen: a numeric IPv4 address or a bracketed IPv6 one, a colon, a port 1..65535. */
static bool
listen_ok(const char *s)
{
	unsigned char bin[16];
	char host[64];
	const char *colon = strrchr(s, ':');
	size_t hl;
	uint64_t port;

	if (colon == NULL)
		return false;
	hl = (size_t)(colon - s);
	if (s[0] == '[') {
		if (hl < 3 || s[hl - 1] != ']' || hl - 2 >= sizeof(host))
			return false;
		memcpy(host, s + 1, hl - 2);
		host[hl - 2] = '\0';
		if (inet_pton(AF_INET6, host, bin) != 1)
			return false;
	} else {
		if (hl == 0 || hl >= sizeof(host))
			return false;
		memcpy(host, s, hl);
		host[hl] = '\0';
		if (inet_pton(AF_INET, host, bin) != 1)
			return false;
	}
	/* digits only (num.h): strtol took " 8080" */
	return num_u64_in(colon + 1, 1, 65535, &port);
}

/* The base URL is written into notices: http(s), a host, no query, no trailing slash. */
static int
web_url_ok(const char *s)
{
	if (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0)
		return 0;
	for (const char *p = s; *p; p++)
		if (*p <= ' ' || *p == '"' || *p == '<' || *p == '>' || *p == '?' || *p == '#' ||
		    (unsigned char)*p >= 0x7f)
			return 0;
	return s[strlen(s) - 1] != '/';
}

int
config_net_parse(const char *s, struct config_net *out)
{
	char host[64];
	const char *slash = strchr(s, '/');
	size_t hl = slash ? (size_t)(slash - s) : strlen(s);
	unsigned max = 128;
	uint64_t prefix;

	if (hl == 0 || hl >= sizeof(host))
		return -1;
	memcpy(host, s, hl);
	host[hl] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET6, host, out->addr) != 1) {
		if (inet_pton(AF_INET, host, out->addr + 12) != 1)
			return -1;
		out->addr[10] = out->addr[11] = 0xff; /* ::ffff:a.b.c.d */
		max = 32;
	}
	prefix = max;
	if (slash != NULL && !num_u64_in(slash + 1, 0, max, &prefix))
		return -1;
	out->prefix = (unsigned)prefix + (128 - max);
	/* the host bits of 10.1.2.3/8 are dropped: it means 10.0.0.0/8 */
	for (unsigned bit = out->prefix; bit < 128; bit++)
		out->addr[bit / 8] &= (unsigned char)~(0x80u >> (bit % 8));
	return 0;
}

bool
config_net_has(const struct config_net *nets, size_t n, const unsigned char addr[16])
{
	for (size_t i = 0; i < n; i++) {
		unsigned full = nets[i].prefix / 8, rest = nets[i].prefix % 8;

		if (memcmp(nets[i].addr, addr, full) != 0)
			continue;
		if (rest == 0 || ((nets[i].addr[full] ^ addr[full]) & (0xffu << (8 - rest)) & 0xff) == 0)
			return true;
	}
	return false;
}

static int
parse_web(const struct ydoc *d, const struct ydoc_node *web, struct config *c,
          struct dberr *e)
{
	static const char *const keys[] = {"listen", "base_url", "secret_file", "upload_limit",
	                                   "link_days", "tls_cert", "tls_key",
	                                   "task_files_limit", "files_limit", "trusted_proxies",
	                                   "connections_per_address", "header_timeout",
	                                   "task_submissions_limit", "submissions_per_hour", NULL};
	static const struct {
		const char *key;
		size_t off;
	} sizes[] = {{"upload_limit", offsetof(struct config, web_upload_limit)},
	             {"task_files_limit", offsetof(struct config, web_task_files_limit)},
	             {"files_limit", offsetof(struct config, web_files_limit)}};
	static const struct {
		const char *key, *what;
		size_t off;
		long min, max;
	} nums[] = {{"link_days", "a number of days", offsetof(struct config, web_link_days), 0,
	             3650},
	            {"connections_per_address", "a number of connections",
	             offsetof(struct config, web_connections_per_address), 1, 10000},
	            {"header_timeout", "a number of seconds",
	             offsetof(struct config, web_header_timeout), 1, 3600},
	            {"task_submissions_limit", "a number of submissions",
	             offsetof(struct config, web_task_submissions_limit), 1, 100000},
	            {"submissions_per_hour", "a number of submissions",
	             offsetof(struct config, web_submissions_per_hour), 1, 100000}};
	const struct ydoc_node *v;
	const char *s;
	int rc;

	if ((rc = ydoc_check_keys(d, web, "web", keys, e)) != 0)
		return rc;
	if ((v = ydoc_get(web, "listen")) != NULL) {
		if ((rc = ydoc_string(d, v, "web.listen", &s, e)) != 0)
			return rc;
		/* checked here, where the file can be named, not when `web` binds (the unit runs
		 * it without --listen: a message about --listen would mislead) */
		if (!listen_ok(s))
			return ydoc_error(d, v, e, "web.listen must be HOST:PORT with a numeric "
			                  "address and a port from 1 to 65535 (127.0.0.1:8080, "
			                  "[::1]:8080, 0.0.0.0:443), not '%s'", s);
		free(c->web_listen);
		c->web_listen = xstrdup(s);
	}
	if ((v = ydoc_get(web, "base_url")) != NULL) {
		if ((rc = ydoc_string(d, v, "web.base_url", &s, e)) != 0)
			return rc;
		if (!web_url_ok(s))
			return ydoc_error(d, v, e, "web.base_url must be http:// or https:// with a "
			                  "host, no query and no trailing slash, not '%s'", s);
		c->web_base_url = xstrdup(s);
	}
	if ((v = ydoc_get(web, "secret_file")) != NULL) {
		if ((rc = ydoc_string(d, v, "web.secret_file", &s, e)) != 0)
			return rc;
		c->web_secret_file = xstrdup(s);
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		char name[64];

		if ((v = ydoc_get(web, sizes[i].key)) == NULL)
			continue;
		snprintf(name, sizeof(name), "web.%s", sizes[i].key);
		if ((rc = ydoc_string(d, v, name, &s, e)) != 0)
			return rc;
		if (parse_size(s, (size_t *)(void *)((char *)c + sizes[i].off)) != 0)
			return ydoc_error(d, v, e, "%s must be a size such as 20MB, 512KB or 10GB (at "
			                  "least 1KB, at most 16GB), not '%s'", name, s);
	}
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		char name[64];
		uint64_t n;

		if ((v = ydoc_get(web, nums[i].key)) == NULL)
			continue;
		snprintf(name, sizeof(name), "web.%s", nums[i].key);
		if ((rc = ydoc_string(d, v, name, &s, e)) != 0)
			return rc;
		if (!num_u64_in(s, (uint64_t)nums[i].min, (uint64_t)nums[i].max, &n))
			return ydoc_error(d, v, e, "%s must be %s from %ld to %ld, not '%s'", name,
			                  nums[i].what, nums[i].min, nums[i].max, s);
		*(int *)(void *)((char *)c + nums[i].off) = (int)n;
	}
	if ((v = ydoc_get(web, "trusted_proxies")) != NULL) {
		if ((rc = ydoc_expect(d, v, YDOC_SEQ, "web.trusted_proxies", e)) != 0)
			return rc;
		c->web_trusted_proxies = xcalloc(v->n + 1, sizeof(*c->web_trusted_proxies));
		for (size_t i = 0; i < v->n; i++) {
			if ((rc = ydoc_string(d, v->items[i], "web.trusted_proxies", &s, e)) != 0)
				return rc;
			if (config_net_parse(s, &c->web_trusted_proxies[i]) != 0)
				return ydoc_error(d, v->items[i], e, "web.trusted_proxies: each entry is "
				                  "a proxy's numeric address or a range of them (127.0.0.1, "
				                  "::1, 10.0.0.0/8, fd00::/8), not '%s'", s);
			c->web_ntrusted_proxies = i + 1;
		}
	}
	if ((v = ydoc_get(web, "tls_cert")) != NULL) {
		if ((rc = ydoc_string(d, v, "web.tls_cert", &s, e)) != 0)
			return rc;
		c->web_tls_cert = xstrdup(s);
	}
	if ((v = ydoc_get(web, "tls_key")) != NULL) {
		if ((rc = ydoc_string(d, v, "web.tls_key", &s, e)) != 0)
			return rc;
		c->web_tls_key = xstrdup(s);
	}
	if ((c->web_tls_cert == NULL) != (c->web_tls_key == NULL))
		return ydoc_error(d, web, e, "web: tls_cert and tls_key go together (the "
		                  "certificate chain and its private key, PEM files)");
	/* dabiao speaking TLS answers nothing on http://: every link in a notice, and the
	 * address it prints, would lead nowhere */
	if (c->web_tls_cert != NULL && (v = ydoc_get(web, "base_url")) != NULL &&
	    strncmp(c->web_base_url, "https://", 8) != 0)
		return ydoc_error(d, v, e, "web.base_url must be https:// when dabiao serves HTTPS "
		                  "itself (web.tls_cert), not '%s'", c->web_base_url);
	return 0;
}

/* A bureau's own calendar folder; a relative path is taken from the configuration file's
 * folder, so a configuration and its calendars can move together. */
static int
parse_calendars_dir(const struct ydoc *d, const struct ydoc_node *n, const char *path,
                    struct config *c, struct dberr *e)
{
	const char *s, *slash = strrchr(path, '/'), *why = NULL;
	struct stat st;
	char *dir;
	int rc;

	if ((rc = ydoc_string(d, n, "calendars_dir", &s, e)) != 0)
		return rc;
	if (s[0] == '/' || slash == NULL)
		dir = xstrdup(s);
	else
		dir = xasprintf("%.*s/%s", (int)(slash - path), path, s);
	/* a folder that is not there would be skipped without a word, and plans would
	 * silently take the shipped calendars instead of the bureau's */
	if (stat(dir, &st) != 0)
		why = strerror(errno);
	else if (!S_ISDIR(st.st_mode))
		why = "not a folder";
	if (why != NULL) {
		if (strcmp(dir, s) != 0)
			rc = ydoc_error(d, n, e, "calendars_dir %s (%s, from the configuration's "
			                "folder): %s; create the folder or remove the key", s, dir,
			                why);
		else
			rc = ydoc_error(d, n, e, "calendars_dir %s: %s; create the folder or remove "
			                "the key", dir, why);
		free(dir);
		return rc;
	}
	c->calendars_dir = dir;
	return 0;
}

static int
parse_file(const char *path, struct config *c, struct dberr *e)
{
	static const char *const keys[] = {"smtp", "digest", "audit", "issuer", "calendars_dir",
	                                   "web", NULL};
	static const char *const akeys[] = {"key_file", "origin", NULL};
	const struct ydoc_node *n;
	struct ydoc *d = NULL;
	char *data = NULL;
	size_t len;
	int rc;

	/* the conventional "no configuration": an empty one */
	if (strcmp(path, "/dev/null") == 0)
		return 0;
	if ((rc = file_read(path, FILE_MAX_INPUT, &data, &len, e)) == -ENOENT || rc == -ENOTDIR) {
		/* a configuration named (--config, DABIAO_CONFIG) that is not there is a
		 * configuration problem, 78 as every help lists it, not a missing input (66) that
		 * reads as the store or the plan (review 13e, E12) */
		dberr_clear(e);
		return dberr_set(e, DB_ECONFIG, "the configuration file %s does not exist (--config "
		                 "or DABIAO_CONFIG names it; /dev/null for none)", path);
	}
	if (rc != 0)
		return rc;
	if ((rc = ydoc_parse(path, data, len, &d, e)) != 0)
		goto out;
	if (d->root == NULL)
		goto out;
	if ((rc = ydoc_check_keys(d, d->root, "the configuration", keys, e)) != 0)
		goto out;
	if ((n = ydoc_get(d->root, "smtp")) != NULL && (rc = parse_smtp(d, n, c, e)) != 0)
		goto out;
	if ((n = ydoc_get(d->root, "audit")) != NULL) {
		const struct ydoc_node *v;
		const char *s;

		if ((rc = ydoc_check_keys(d, n, "audit", akeys, e)) != 0)
			goto out;
		if ((v = ydoc_get(n, "key_file")) != NULL) {
			if ((rc = ydoc_string(d, v, "audit.key_file", &s, e)) != 0)
				goto out;
			c->audit_key_file = xstrdup(s);
		}
		if ((v = ydoc_get(n, "origin")) != NULL) {
			if ((rc = ydoc_string(d, v, "audit.origin", &s, e)) != 0)
				goto out;
			c->audit_origin = xstrdup(s);
		}
	}
	if ((n = ydoc_get(d->root, "issuer")) != NULL && (rc = parse_issuer(d, n, c, e)) != 0)
		goto out;
	if ((n = ydoc_get(d->root, "web")) != NULL && (rc = parse_web(d, n, c, e)) != 0)
		goto out;
	if ((n = ydoc_get(d->root, "calendars_dir")) != NULL &&
	    (rc = parse_calendars_dir(d, n, path, c, e)) != 0)
		goto out;
	if ((n = ydoc_get(d->root, "digest")) != NULL) {
		if ((rc = ydoc_expect(d, n, YDOC_SEQ, "digest", e)) != 0)
			goto out;
		c->digest = xcalloc(n->n + 1, sizeof(char *));
		for (size_t i = 0; i < n->n; i++) {
			const char *s;
			if ((rc = ydoc_string(d, n->items[i], "digest role", &s, e)) != 0)
				goto out;
			c->digest[i] = xstrdup(s);
		}
	}
out:
	if (d)
		ydoc_free(d);
	free(data);
	if (rc != 0 && e->code == DB_EDATA)
		e->code = DB_ECONFIG;
	return rc ? DB_ECONFIG : 0;
}

#ifndef DABIAO_TEMPLATE_DIR
#define DABIAO_TEMPLATE_DIR "/usr/local/share/dabiao/templates/zh-CN"
#endif
#ifndef DABIAO_INSTALLED_TEMPLATE_DIR
#define DABIAO_INSTALLED_TEMPLATE_DIR "/usr/local/share/dabiao/templates/zh-CN"
#endif
#ifndef DABIAO_CALENDAR_DIR
#define DABIAO_CALENDAR_DIR "/usr/local/share/dabiao/calendars"
#endif
#ifndef DABIAO_INSTALLED_CALENDAR_DIR
#define DABIAO_INSTALLED_CALENDAR_DIR "/usr/local/share/dabiao/calendars"
#endif

/* The built-in templates: $DABIAO_TEMPLATES, else the installed copy, else the source
 * tree the binary was built from. */
static char *
template_dir(const char *env)
{
	struct stat st;

	if (env != NULL && *env)
		return xstrdup(env);
	if (stat(DABIAO_INSTALLED_TEMPLATE_DIR, &st) == 0 && S_ISDIR(st.st_mode))
		return xstrdup(DABIAO_INSTALLED_TEMPLATE_DIR);
	return xstrdup(DABIAO_TEMPLATE_DIR);
}

/* The shipped calendars: the installed copy, else the source tree the binary was built
 * from (as the templates). */
static char *
calendar_dir(void)
{
	struct stat st;

	if (stat(DABIAO_INSTALLED_CALENDAR_DIR, &st) == 0 && S_ISDIR(st.st_mode))
		return xstrdup(DABIAO_INSTALLED_CALENDAR_DIR);
	return xstrdup(DABIAO_CALENDAR_DIR);
}

void
config_calendar_dirs(const struct config *c, const char *out[3])
{
	size_t n = 0;

	if (c->calendars_dir != NULL)
		out[n++] = c->calendars_dir;
	out[n++] = c->calendar_dir;
	out[n] = NULL;
}

/* DABIAO_STORE_MAPSIZE: bytes, decimal. */
static int
parse_mapsize(const char *s, size_t *out, struct dberr *e)
{
	uint64_t v;

	if (!num_u64_in(s, 1, SIZE_MAX / 2, &v))
		return dberr_set(e, DB_ECONFIG, "DABIAO_STORE_MAPSIZE must be a number of bytes, "
		                 "not '%s'", s);
	*out = (size_t)v;
	return 0;
}

static char *
env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	if (v != NULL && *v)
		return xstrdup(v);
	return fallback ? xstrdup(fallback) : NULL;
}

void
config_defaults(struct config *out)
{
	struct config c = {0};

	c.timeout_ms = 30000;
	c.connections = CONFIG_CONNECTIONS;
	c.from = xstrdup("dabiao@localhost");
	c.web_listen = xstrdup("127.0.0.1:8080");
	c.web_upload_limit = (size_t)20 << 20;
	c.web_task_files_limit = (size_t)100 << 20;
	c.web_files_limit = (size_t)10 << 30;
	c.web_connections_per_address = 20;
	c.web_header_timeout = 30;
	c.web_task_submissions_limit = 50;
	c.web_submissions_per_hour = 20;
	c.template_dir = template_dir(getenv("DABIAO_TEMPLATES"));
	c.calendar_dir = calendar_dir();
	*out = c;
}

int
config_load(const char *path, struct config *out, struct dberr *e)
{
	struct config c;
	const char *env = getenv("DABIAO_CONFIG"), *smtp = getenv("DABIAO_SMTP");
	const char *mapsize = getenv("DABIAO_STORE_MAPSIZE"), *weburl = getenv("DABIAO_WEB_URL");
	char *key, *origin;
	int rc = 0;

	config_defaults(&c);
	c.arg_path = path ? xstrdup(path) : NULL;
	if (path == NULL && env != NULL && *env)
		path = env;
	if (path == NULL && access(CONFIG_DEFAULT_PATH, R_OK) == 0)
		path = CONFIG_DEFAULT_PATH;
	if (path != NULL) {
		c.path = xstrdup(path);
		rc = parse_file(path, &c, e);
	}
	if (rc == 0 && smtp != NULL && *smtp)
		rc = parse_smtp_url(smtp, &c, e);
	if (rc == 0 && mapsize != NULL && *mapsize)
		rc = parse_mapsize(mapsize, &c.store_mapsize, e);
	if (rc == 0 && weburl != NULL && *weburl) {
		if (!web_url_ok(weburl))
			rc = dberr_set(e, DB_ECONFIG, "DABIAO_WEB_URL must be http:// or https:// with "
			               "a host, no query and no trailing slash, not '%s'", weburl);
		free(c.web_base_url);
		c.web_base_url = xstrdup(weburl);
	}
	/* the environment names the audit key and origin over the file */
	key = env_or("DABIAO_AUDIT_KEY", c.audit_key_file);
	origin = env_or("DABIAO_AUDIT_ORIGIN", c.audit_origin);
	free(c.audit_key_file);
	free(c.audit_origin);
	c.audit_key_file = key;
	c.audit_origin = origin;
	if (rc != 0) {
		config_release(&c);
		return rc;
	}
	*out = c;
	return 0;
}

void
config_release(struct config *c)
{
	free(c->arg_path);
	free(c->path);
	free(c->template_dir);
	free(c->calendars_dir);
	free(c->calendar_dir);
	free(c->host);
	free(c->user);
	if (c->password) {
		explicit_bzero(c->password, strlen(c->password));
		free(c->password);
	}
	free(c->from);
	free(c->ca_file);
	free(c->audit_key_file);
	free(c->audit_origin);
	for (size_t i = 0; c->digest && c->digest[i]; i++)
		free(c->digest[i]);
	free(c->digest);
	for (size_t i = 0; issuer_keys[i]; i++)
		free(*issuer_field(&c->issuer, i));
	free(c->web_listen);
	free(c->web_base_url);
	free(c->web_secret_file);
	free(c->web_tls_cert);
	free(c->web_tls_key);
	free(c->web_trusted_proxies);
	memset(c, 0, sizeof(*c));
}

void
config_copy(const struct config *from, struct config *to)
{
	size_t n = 0;

	*to = *from;
	to->arg_path = xstrdup(from->arg_path);
	to->path = xstrdup(from->path);
	to->template_dir = xstrdup(from->template_dir);
	to->calendars_dir = xstrdup(from->calendars_dir);
	to->calendar_dir = xstrdup(from->calendar_dir);
	to->host = xstrdup(from->host);
	to->user = xstrdup(from->user);
	to->password = xstrdup(from->password);
	to->from = xstrdup(from->from);
	to->ca_file = xstrdup(from->ca_file);
	to->audit_key_file = xstrdup(from->audit_key_file);
	to->audit_origin = xstrdup(from->audit_origin);
	for (size_t i = 0; issuer_keys[i]; i++)
		*issuer_field(&to->issuer, i) =
			xstrdup(*issuer_field((struct plan_issuer *)&from->issuer, i));
	to->web_listen = xstrdup(from->web_listen);
	to->web_base_url = xstrdup(from->web_base_url);
	to->web_secret_file = xstrdup(from->web_secret_file);
	to->web_tls_cert = xstrdup(from->web_tls_cert);
	to->web_tls_key = xstrdup(from->web_tls_key);
	to->web_trusted_proxies = NULL;
	if (from->web_trusted_proxies) {
		to->web_trusted_proxies = xcalloc(from->web_ntrusted_proxies + 1,
		                                  sizeof(*to->web_trusted_proxies));
		memcpy(to->web_trusted_proxies, from->web_trusted_proxies,
		       from->web_ntrusted_proxies * sizeof(*to->web_trusted_proxies));
	}
	n = 0;
	to->digest = NULL;
	while (from->digest && from->digest[n])
		n++;
	if (from->digest) {
		to->digest = xcalloc(n + 1, sizeof(char *));
		for (size_t i = 0; i < n; i++)
			to->digest[i] = xstrdup(from->digest[i]);
	}
}
