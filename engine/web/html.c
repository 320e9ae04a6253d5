/*
 * html.c - the one HTML writer. Markup is written only from string literals (H, HF in
 * web_int.h make anything else fail to compile); every value, whatever its source
 * (registry, plan, submission, URL), goes through html_text, which escapes the five
 * characters that could end an element's text or a quoted attribute.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "engine/web/web_int.h"

void
html_lit_(struct html *h, const char *lit)
{
	buf_puts(&h->b, lit);
}

void
html_text(struct html *h, const char *s)
{
	const char *run = s;

	if (s == NULL)
		return;
	for (; *s; s++) {
		const char *rep;

		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_append(&h->b, run, (size_t)(s - run));
		buf_puts(&h->b, rep);
		run = s + 1;
	}
	buf_append(&h->b, run, (size_t)(s - run));
}

void
html_url(struct html *h, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    *p == '-' || *p == '_' || *p == '.' || *p == '~' || *p == '/') {
			buf_putc(&h->b, (char)*p);
		} else {
			buf_putc(&h->b, '%');
			buf_putc(&h->b, hex[*p >> 4]);
			buf_putc(&h->b, hex[*p & 15]);
		}
	}
}

/* A printf whose %s escapes: numbers cannot carry markup, strings always could. */
void
html_f_(struct html *h, const char *fmt, ...)
{
	va_list ap;
	const char *p = fmt, *run = fmt;

	va_start(ap, fmt);
	for (; *p; p++) {
		char spec[8];
		size_t n = 0;

		if (*p != '%')
			continue;
		buf_append(&h->b, run, (size_t)(p - run));
		spec[n++] = '%';
		p++;
		while (*p == 'l' || *p == 'z') {
			if (n < sizeof(spec) - 2)
				spec[n++] = *p;
			p++;
		}
		spec[n++] = *p;
		spec[n] = '\0';
		if (*p == 's') {
			html_text(h, va_arg(ap, const char *));
		} else if (*p == '%') {
			buf_putc(&h->b, '%');
		} else if (*p == 'd' || *p == 'u') {
			if (strcmp(spec, "%lld") == 0)
				buf_printf(&h->b, "%lld", va_arg(ap, long long));
			else if (strcmp(spec, "%llu") == 0)
				buf_printf(&h->b, "%llu", va_arg(ap, unsigned long long));
			else if (strcmp(spec, "%ld") == 0)
				buf_printf(&h->b, "%ld", va_arg(ap, long));
			else if (strcmp(spec, "%lu") == 0)
				buf_printf(&h->b, "%lu", va_arg(ap, unsigned long));
			else if (strcmp(spec, "%zu") == 0)
				buf_printf(&h->b, "%zu", va_arg(ap, size_t));
			else if (*p == 'u')
				buf_printf(&h->b, "%u", va_arg(ap, unsigned));
			else
				buf_printf(&h->b, "%d", va_arg(ap, int));
		} else {
			/* an unknown conversion is a programming error: shown, never interpreted */
			buf_puts(&h->b, "[?]");
		}
		run = p + 1;
	}
	buf_append(&h->b, run, (size_t)(p - run));
	va_end(ap);
}
