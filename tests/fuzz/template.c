/* notice templates: parsed, then rendered with values taken from the input's tail, so
 * placeholders meet odd values too (line breaks, invalid UTF-8). */
#include "fuzz.h"
#include "notifiers/template.h"

static const char *
lookup(const char *name, void *arg)
{
	(void)name;
	return arg;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, '\0', size);
	size_t tlen = nul ? (size_t)(nul - data) : size;
	struct notify_tpl *t = NULL;
	char *value, *subject, *body;
	struct dberr e;

	dberr_clear(&e);
	if (notify_tpl_parse("fuzz.tpl", (const char *)data, tlen, &t, &e) != 0)
		return 0;
	value = nul ? strndup((const char *)nul + 1, size - tlen - 1) : strdup("x");
	if (notify_tpl_render(t, lookup, value, &subject, &body) == 0) {
		free(subject);
		free(body);
	}
	free(value);
	notify_tpl_free(t);
	return 0;
}
