/* ydoc: the YAML reader under plans, registries and the configuration (libyaml events
 * into a tree, with depth, anchors, tags and duplicate keys refused). */
#include "fuzz.h"
#include "workflows/parse/ydoc.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ydoc *d = NULL;
	struct dberr e;

	dberr_clear(&e);
	if (ydoc_parse("fuzz.yaml", (const char *)data, size, &d, &e) == 0)
		ydoc_free(d);
	return 0;
}
