/*
 * The one address grammar (base/addr.h), used by the registry at import and by the
 * message builder: a table of addresses accepted, and of addresses refused with the
 * reason and the 0-based offset of the first offending character.
 */
#include "base/addr.h"
#include "lib/test.h"

static const char *const accepted[] = {
	"a@x.example",
	"hbj.office@cj-epb.gov.cn",
	"o'brien+notices@x.example",
	"!#$%&'*+-/=?^_`{|}~@x.example",
	"a@xn--fiqs8s.cn",
	"a@123.example",
	NULL,
};

static const struct {
	const char *addr;
	unsigned flags;
	const char *why;   /* a part of the reason */
	size_t at;
} refused[] = {
	{"", 0, "empty", 0},
	{"a.example", 0, "needs an '@'", 9},
	{"@x.example", 0, "before '@' is empty", 0},
	{"a@", 0, "domain after '@' is empty", 2},
	{"a..b@x.example", 0, "dot may not start or end", 1},
	{".a@x.example", 0, "dot may not start or end", 0},
	{"a.@x.example", 0, "dot may not start or end", 1},
	{"a>b@x.example", 0, "without a display name, angle brackets", 1},
	{"<a@x.example>", 0, "angle brackets", 0},
	{"Bureau <a@x.example>", 0, "space", 6},
	{"\"a\"@x", 0, "quoted local parts", 0},
	{"a@x..example", 0, "empty label", 4},
	{"a@x.example.", 0, "empty label", 12},
	{"a@.x.example", 0, "empty label", 2},
	{"a,b@x.example", 0, "one address per entry", 1},
	{"a@b@x.example", 0, "one '@'", 3},
	{"\xe5\xbc\xa0\xe4\xbc\x9f@x.example", 0, "non-ASCII", 0},
	{"a@\xe4\xbe\x8b\xe5\xad\x90.cn", 0, "non-ASCII", 2},
	{"a@x_y.example", 0, "letters, digits, '-' and dots", 3},
	{"a@[1.2.3.4]", 0, "address literals", 2},
	{"a@-x.example", 0, "may not start with '-'", 2},
	{"a@x-.example", 0, "may not end with '-'", 3},
	{"a@x.example\r\nBcc: v@x.example", 0, "control character", 11},
	{"a\t@x.example", 0, "control character", 1},
	{"hbj@changji", ADDR_QUALIFIED, "needs a dot", 11},
};

int
main(void)
{
	char local[5100], label[80], longaddr[300];
	size_t at;

	for (size_t i = 0; accepted[i] != NULL; i++) {
		const char *why = addr_check(accepted[i], ADDR_QUALIFIED, NULL);

		if (why != NULL)
			TEST_FAIL_("'%s' refused: %s", accepted[i], why);
	}
	/* a sender on a dotless host is an address; a person's must be qualified */
	ASSERT(addr_check("dabiao@localhost", 0, NULL) == NULL);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		const char *why;

		at = 9999;
		why = addr_check(refused[i].addr, refused[i].flags, &at);
		if (why == NULL)
			TEST_FAIL_("'%s' accepted", refused[i].addr);
		ASSERT_STR_CONTAINS(why, refused[i].why);
		if (at != refused[i].at)
			TEST_FAIL_("'%s': offset %zu, expected %zu (%s)", refused[i].addr, at,
			           refused[i].at, why);
	}

	/* lengths: a 64-octet local part and 63-octet label are the limits */
	memset(local, 'a', 64);
	snprintf(local + 64, sizeof(local) - 64, "@x.example");
	ASSERT(addr_check(local, 0, NULL) == NULL);
	memset(local, 'a', 5000);
	snprintf(local + 5000, sizeof(local) - 5000, "@x.example");
	ASSERT_STR_CONTAINS(addr_check(local, 0, &at), "longer than 64");
	ASSERT_EQ(at, 64);
	memset(label, 'b', 63);
	snprintf(label + 63, sizeof(label) - 63, ".example");
	snprintf(longaddr, sizeof(longaddr), "a@%s", label);
	ASSERT(addr_check(longaddr, 0, NULL) == NULL);
	snprintf(longaddr, sizeof(longaddr), "a@b%s", label);
	ASSERT_STR_CONTAINS(addr_check(longaddr, 0, &at), "longer than 63");
	/* 254 octets in all at most: 64 + 1 + 3 labels of 59 and a 3-octet one */
	snprintf(longaddr, sizeof(longaddr), "%.64s@%.59s.%.59s.%.59s.%s", local, label, label,
	         label, "abc");
	ASSERT_EQ(strlen(longaddr), 64 + 1 + 3 * 60 + 3);
	ASSERT(addr_check(longaddr, 0, NULL) == NULL);
	snprintf(longaddr, sizeof(longaddr), "%.64s@%.59s.%.59s.%.59s.%s", local, label, label,
	         label, "abcdefghijkl");
	ASSERT_STR_CONTAINS(addr_check(longaddr, 0, &at), "longer than 254");
	ASSERT_EQ(at, 254);
	return 0;
}
