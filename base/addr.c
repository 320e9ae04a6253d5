/*
 * addr.c - the e-mail address grammar (addr.h).
 */
#include "base/addr.h"

#include <stdbool.h>
#include <string.h>

#include "base/utf8.h"

#define ADDR_MAX 254
#define ADDR_LOCAL_MAX 64
#define ADDR_LABEL_MAX 63

bool
addr_is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

static bool
is_ldh(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-';
}

static const char *
fail(size_t *at, size_t where, const char *why)
{
	if (at != NULL)
		*at = where;
	return why;
}

/* A character that is not allowed anywhere gets its own reason: the operator fixes a
 * stray space or a pasted display name faster when told so. */
static const char *
stray(unsigned char c)
{
	if (c < ' ' || c == 0x7f)
		return "a control character (a line break?) is not allowed in an address";
	if (c == ' ')
		return "a space is not allowed in an address";
	if (c >= 0x80)
		return "non-ASCII characters are not supported in addresses (write the domain "
		       "in its xn-- form)";
	if (c == '"')
		return "quoted local parts are not supported";
	if (c == '<' || c == '>' || c == '(' || c == ')')
		return "only the bare address is allowed, without a display name, angle brackets "
		       "or comments";
	if (c == ',' || c == ';')
		return "one address per entry (',' and ';' separate addresses in lists)";
	return NULL;
}

static const char *
check_local(const char *a, size_t n, size_t *at)
{
	if (n == 0)
		return fail(at, 0, "the part before '@' is empty");
	/* the characters first, then the length: 30 Chinese characters are refused as
	 * non-ASCII, not as "longer than 64" (their 90 bytes) */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)a[i];
		const char *why;

		if (c == '.') {
			if (i == 0 || i + 1 == n || a[i + 1] == '.')
				return fail(at, i, "a dot may not start or end the part before '@', "
				                   "nor follow another dot");
		} else if (!addr_is_atext(c)) {
			why = stray(c);
			return fail(at, i, why ? why : "a character not allowed before '@'");
		}
	}
	if (n > ADDR_LOCAL_MAX)
		return fail(at, ADDR_LOCAL_MAX, "the part before '@' is longer than 64 characters");
	return NULL;
}

static const char *
check_domain(const char *d, size_t off, unsigned flags, size_t *at)
{
	size_t n = strlen(d), label = 0;
	bool dot = false;

	if (n == 0)
		return fail(at, off, "the domain after '@' is empty");
	for (size_t i = 0; i <= n; i++) {
		unsigned char c = (unsigned char)d[i];
		const char *why;

		if (c == '.' || c == '\0') {
			if (label == 0)
				return fail(at, off + i, "the domain has an empty label (a dot at an end, "
				                         "or two in a row)");
			if (d[i - 1] == '-')
				return fail(at, off + i - 1, "a domain label may not end with '-'");
			dot = dot || c == '.';
			label = 0;
			continue;
		}
		if (!is_ldh(c)) {
			why = stray(c);
			if (why == NULL && c == '[')
				why = "address literals ([1.2.3.4]) are not supported";
			if (why == NULL && c == '@')
				why = "an address has one '@'";
			return fail(at, off + i, why ? why : "the domain may hold only letters, "
			                                     "digits, '-' and dots");
		}
		if (label == 0 && c == '-')
			return fail(at, off + i, "a domain label may not start with '-'");
		if (++label > ADDR_LABEL_MAX)
			return fail(at, off + i, "a domain label is longer than 63 characters");
	}
	if ((flags & ADDR_QUALIFIED) && !dot)
		return fail(at, off + n, "the domain needs a dot, as in name@example.cn");
	return NULL;
}

const char *
addr_check(const char *a, unsigned flags, size_t *at)
{
	const char *sign, *why;
	size_t n, lead, end;

	if (a == NULL || *a == '\0')
		return fail(at, 0, "the address is empty");
	n = strlen(a);
	/* blanks around the whole address (a quoted YAML value keeps them, a paste brings
	 * them) are said as such, not as a character no address holds, nor with advice about
	 * xn-- domains (review13f C10) */
	utf8_trim_span(a, n, &lead, &end);
	if (lead > 0 || end < n)
		return fail(at, lead > 0 ? 0 : end, "the address has blanks around it (a space, a "
		            "tab, the ideographic space U+3000, a no-break space): type it without "
		            "them");
	sign = strchr(a, '@');
	if (sign == NULL) {
		for (size_t i = 0; i < n; i++)
			if ((why = stray((unsigned char)a[i])) != NULL)
				return fail(at, i, why);
		return fail(at, n, "an address needs an '@'");
	}
	if ((why = check_local(a, (size_t)(sign - a), at)) != NULL)
		return why;
	if ((why = check_domain(sign + 1, (size_t)(sign + 1 - a), flags, at)) != NULL)
		return why;
	if (n > ADDR_MAX)
		return fail(at, ADDR_MAX, "the address is longer than 254 characters");
	return NULL;
}
