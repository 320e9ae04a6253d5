/*
 * Configuration values are checked when the file is read, each refusal naming
 * FILE:LINE:COLUMN: smtp.timeout bounded (no overflow, no wrap to a negative int),
 * smtp.from in the address grammar every notice is built with (no CR/LF header
 * injection), AUTH over a connection without TLS only with allow_plaintext_auth: true;
 * and DABIAO_SMTP is exactly smtp://host:port and never carries a file's password into
 * clear text; web.base_url is https:// when dabiao serves HTTPS itself; web.listen is a
 * numeric HOST:PORT and the web's bounds and trusted proxies are well formed.
 */
#include <stdio.h>
#include <stdlib.h>

#include "engine/config/config.h"
#include "lib/test.h"

static char *dir;

static const char *
write_cfg(const char *text)
{
	static char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cfg.yaml", dir);
	f = fopen(path, "w");
	ASSERT(f != NULL);
	fputs(text, f);
	ASSERT_EQ(fclose(f), 0);
	return path;
}

static void
refused(const char *text, int line, int col, const char *msg)
{
	struct config c;
	struct dberr e;

	dberr_clear(&e);
	fprintf(stderr, "case: %s", text);
	ASSERT_EQ(config_load(write_cfg(text), &c, &e), DB_ECONFIG);
	ASSERT_EQ(e.line, line);
	ASSERT_EQ(e.col, col);
	ASSERT_STR_CONTAINS(e.file, "cfg.yaml");
	ASSERT_STR_CONTAINS(e.msg, msg);
}

static int
timeout_of(const char *value)
{
	char text[256];
	struct config c;
	struct dberr e;
	int ms;

	snprintf(text, sizeof(text), "smtp:\n  host: 127.0.0.1\n  timeout: %s\n", value);
	dberr_clear(&e);
	if (config_load(write_cfg(text), &c, &e) != 0)
		TEST_FAIL_("timeout %s: %s", value, e.msg);
	ms = c.timeout_ms;
	config_release(&c);
	return ms;
}

#define H "smtp:\n  host: 127.0.0.1\n"

int
main(void)
{
	struct config c;
	struct dberr e;

	dir = test_tmpdir();
	unsetenv("DABIAO_SMTP");
	unsetenv("DABIAO_CONFIG");

	/* durations: in range as given, out of range or malformed refused where written */
	ASSERT_EQ(timeout_of("30s"), 30000);
	ASSERT_EQ(timeout_of("500ms"), 500);
	ASSERT_EQ(timeout_of("3600s"), 3600000);
	ASSERT_EQ(timeout_of("45"), 45000);
	/* dabiao serving HTTPS itself: links to http:// would lead nowhere */
	refused("web:\n  base_url: http://dabiao.example.cn\n  tls_cert: /c.pem\n"
	        "  tls_key: /k.pem\n", 2, 13, "must be https:// when dabiao serves HTTPS");
	dberr_clear(&e);
	ASSERT_EQ(config_load(write_cfg("web:\n  base_url: https://dabiao.example.cn\n"
	                                "  tls_cert: /c.pem\n  tls_key: /k.pem\n"), &c, &e), 0);
	config_release(&c);
	refused(H "  timeout: 9223372036854776s\n", 3, 12, "between 1ms and 3600s");
	refused(H "  timeout: 2200000s\n", 3, 12, "between 1ms and 3600s");
	refused(H "  timeout: 99999999999999999999s\n", 3, 12, "between 1ms and 3600s");
	refused(H "  timeout: 3601s\n", 3, 12, "between 1ms and 3600s");
	refused(H "  timeout: 0s\n", 3, 12, "between 1ms and 3600s");
	refused(H "  timeout: -5s\n", 3, 12, "must look like 30s or 500ms");
	refused(H "  timeout: 1e9s\n", 3, 12, "must look like 30s or 500ms");
	refused(H "  timeout: 30 s\n", 3, 12, "must look like 30s or 500ms");

	/* the sender: one address, as the message builder takes it */
	refused(H "  from: \"dabiao@bureau.example\\r\\nBcc: x@y.example\"\n", 3, 9,
	        "smtp.from is not a plain address: a control character");
	refused(H "  from: 'a>b@x.example'\n", 3, 9, "smtp.from is not a plain address");
	refused(H "  from: Bureau <dabiao@x.example>\n", 3, 9, "smtp.from is not a plain address");

	/* a password in clear text only when asked for in as many words */
	refused(H "  user: dabiao\n", 3, 9, "allow_plaintext_auth: true");
	refused(H "  security: none\n  user: dabiao\n", 4, 9, "clear text");
	/* web.listen at read, naming the file, not at `web`'s bind naming --listen; the other
	 * web keys as well (sizes, numbers, proxies' numeric addresses) */
	refused("web:\n  listen: nonsense\n", 2, 11, "web.listen must be HOST:PORT");
	refused("web:\n  listen: 127.0.0.1:99999\n", 2, 11, "web.listen must be HOST:PORT");
	refused("web:\n  listen: 127.0.0.1:0\n", 2, 11, "web.listen must be HOST:PORT");
	refused("web:\n  listen: localhost:8080\n", 2, 11, "numeric address");
	refused("web:\n  listen: '[::1:8080'\n", 2, 11, "web.listen must be HOST:PORT");
	refused("web:\n  task_files_limit: lots\n", 2, 21, "web.task_files_limit must be a size");
	refused("web:\n  files_limit: 17GB\n", 2, 16, "web.files_limit must be a size");
	refused("web:\n  connections_per_address: 0\n", 2, 28,
	        "web.connections_per_address must be a number of connections from 1");
	refused("web:\n  header_timeout: 0\n", 2, 19,
	        "web.header_timeout must be a number of seconds from 1");
	refused("web:\n  trusted_proxies: [127.0.0.1, nginx]\n", 2, 32,
	        "web.trusted_proxies: each entry is a proxy's numeric address");
	refused("web:\n  trusted_proxies: [10.0.0.0/33]\n", 2, 21, "a range of them");
	refused("web:\n  trusted_proxies: ['::1/129']\n", 2, 21, "web.trusted_proxies");
	refused("web:\n  trusted_proxies: [10.0.0.0/]\n", 2, 21, "web.trusted_proxies");
	refused("web:\n  trusted_proxies: [10.0.0.0/-1]\n", 2, 21, "web.trusted_proxies");
	refused("web:\n  trusted_proxies: [/8]\n", 2, 21, "web.trusted_proxies");
	dberr_clear(&e);
	ASSERT_EQ(config_load(write_cfg("web:\n  listen: '[::1]:8443'\n  files_limit: 2GB\n"
	                                "  trusted_proxies: ['::1', 127.0.0.1]\n"),
	                      &c, &e), 0);
	ASSERT_STR_EQ(c.web_listen, "[::1]:8443");
	ASSERT_EQ(c.web_files_limit, (size_t)2 << 30);
	ASSERT_EQ(c.web_task_files_limit, (size_t)100 << 20); /* the default */
	ASSERT_EQ(c.web_connections_per_address, 20);         /* the default */
	ASSERT_EQ(c.web_header_timeout, 30);                  /* the default */
	ASSERT_EQ(c.web_ntrusted_proxies, (size_t)2);
	{
		/* ::1 is itself; 127.0.0.1 is held as ::ffff:127.0.0.1, whole (/128) */
		static const unsigned char one6[16] = {[15] = 1},
		                           one4[16] = {[10] = 0xff, [11] = 0xff, [12] = 127, [15] = 1};

		ASSERT(memcmp(c.web_trusted_proxies[0].addr, one6, 16) == 0);
		ASSERT_EQ(c.web_trusted_proxies[0].prefix, 128u);
		ASSERT(memcmp(c.web_trusted_proxies[1].addr, one4, 16) == 0);
		ASSERT_EQ(c.web_trusted_proxies[1].prefix, 128u);
	}
	config_release(&c);
	{
		/* ranges either way: an IPv4 range matches the mapped form a server on [::] sees,
		 * and a mapped range matches plain IPv4; the bits past the prefix do not count */
		struct config_net n[3];
		unsigned char a[16] = {[10] = 0xff, [11] = 0xff, [12] = 10, [13] = 9, [14] = 8,
		                       [15] = 7};
		unsigned char b[16] = {[10] = 0xff, [11] = 0xff, [12] = 11, [15] = 1};
		unsigned char v6[16] = {0xfd, 0x12, [15] = 5}, other6[16] = {0xfe, [15] = 5};

		ASSERT_EQ(config_net_parse("10.1.2.3/8", &n[0]), 0);
		ASSERT_EQ(n[0].prefix, 104u);
		ASSERT_EQ(n[0].addr[13], 0); /* 10.1.2.3/8 is 10.0.0.0/8 */
		ASSERT(config_net_has(n, 1, a));
		ASSERT(!config_net_has(n, 1, b));
		ASSERT_EQ(config_net_parse("::ffff:10.0.0.0/104", &n[1]), 0);
		ASSERT(config_net_has(&n[1], 1, a));
		ASSERT(!config_net_has(&n[1], 1, b));
		ASSERT_EQ(config_net_parse("fd00::/8", &n[2]), 0);
		ASSERT(config_net_has(&n[2], 1, v6));
		ASSERT(!config_net_has(&n[2], 1, other6));
		ASSERT(!config_net_has(&n[2], 1, a));
		ASSERT_EQ(config_net_parse("0.0.0.0/0", &n[0]), 0);  /* every IPv4 client */
		ASSERT(config_net_has(n, 1, b));
		ASSERT(!config_net_has(n, 1, v6));
		ASSERT_EQ(config_net_parse("11.0.0.1/31", &n[0]), 0);
		ASSERT(config_net_has(n, 1, b));
		ASSERT_EQ(config_net_parse("11.0.0.2/31", &n[0]), 0);
		ASSERT(!config_net_has(n, 1, b));
		ASSERT_EQ(config_net_parse("127.0.0.1 ", &n[0]), -1);
		ASSERT_EQ(config_net_parse("127.0.0.1/8x", &n[0]), -1);
		ASSERT_EQ(config_net_parse("127.0.0.1/+8", &n[0]), -1);
	}
	dberr_clear(&e);
	ASSERT_EQ(config_load(write_cfg(H "  user: dabiao\n  allow_plaintext_auth: true\n"), &c,
	                      &e), 0);
	ASSERT(c.allow_plaintext_auth);
	config_release(&c);
	ASSERT_EQ(config_load(write_cfg(H "  security: starttls\n  user: dabiao\n"), &c, &e), 0);
	ASSERT(!c.allow_plaintext_auth);
	config_release(&c);

	/* DABIAO_SMTP: host and port, nothing else; never the file's password in clear */
	setenv("DABIAO_SMTP", "smtp://user:pass@127.0.0.1:25", 1);
	dberr_clear(&e);
	ASSERT_EQ(config_load(NULL, &c, &e), DB_ECONFIG);
	ASSERT_STR_CONTAINS(e.msg, "exactly smtp://host:port");
	setenv("DABIAO_SMTP", "smtp://127.0.0.1:25/extra", 1);
	dberr_clear(&e);
	ASSERT_EQ(config_load(NULL, &c, &e), DB_ECONFIG);
	setenv("DABIAO_SMTP", "smtp://127.0.0.1:", 1);
	dberr_clear(&e);
	ASSERT_EQ(config_load(NULL, &c, &e), DB_ECONFIG);
	setenv("DABIAO_SMTP", "smtp://127.0.0.1:2525", 1);
	dberr_clear(&e);
	ASSERT_EQ(config_load(write_cfg(H "  security: starttls\n  user: dabiao\n"), &c, &e),
	          DB_ECONFIG);
	ASSERT_STR_CONTAINS(e.msg, "clear text");
	dberr_clear(&e);
	ASSERT_EQ(config_load(write_cfg(H "  user: dabiao\n  allow_plaintext_auth: true\n"), &c,
	                      &e), 0);
	ASSERT_EQ(c.port, 2525);
	ASSERT_EQ(c.security, CONFIG_SMTP_NONE);
	config_release(&c);
	dberr_clear(&e);
	ASSERT_EQ(config_load(write_cfg("audit:\n  origin: x\n"), &c, &e), 0);
	ASSERT(c.smtp);
	ASSERT_STR_EQ(c.host, "127.0.0.1");
	config_release(&c);
	unsetenv("DABIAO_SMTP");
	free(dir);
	return 0;
}
