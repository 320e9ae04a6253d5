/*
 * addr.h - the one e-mail address grammar: what the registry accepts at import is exactly
 * what the message builder can send (notifiers/message.c), so no address can stop the
 * scheduler at send time.
 *
 * An address is an RFC 5321/5322 addr-spec restricted to its plain form:
 *   local "@" domain, at most 254 octets in all (RFC 5321 4.5.3.1.3, less the brackets)
 *   local  = dot-atom: atext runs joined by single dots, at most 64 octets (4.5.3.1.1)
 *   atext  = ALPHA / DIGIT / one of ! # $ % & ' * + - / = ? ^ _ ` { | } ~
 *   domain = labels of letters, digits and '-' (not first or last), 1 to 63 octets each,
 *            joined by single dots (RFC 1035 2.3.1)
 * Not accepted: quoted local parts ("a"@x), address literals (a@[1.2.3.4]), comments,
 * display names, non-ASCII (SMTPUTF8, IDN not in xn-- form), control characters. None is
 * needed for a regulator's contacts, and each is a way to smuggle syntax into a header.
 *
 * Pure functions of their arguments; thread-safe.
 */
#ifndef DABIAO_ADDR_H
#define DABIAO_ADDR_H

#include <stdbool.h>
#include <stddef.h>

enum addr_flags {
	/* also require a dot in the domain: a person's address (hbj@changji is a typo),
	 * where a sender like dabiao@localhost is fine */
	ADDR_QUALIFIED = 1 << 0,
};

/* NULL when a is an address under the grammar above (and flags); else a static English
 * sentence saying why not, and *at (may be NULL) the 0-based byte offset of the first
 * offending character (the length of a when it is too short or too long). */
const char *addr_check(const char *a, unsigned flags, size_t *at);

/* An RFC 5322 atext character (the local part's, and a plain display name's). */
bool addr_is_atext(unsigned char c);

#endif
