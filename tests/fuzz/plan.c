/* plans: the whole plan reader (validation, references, calendars, lifecycles). */
#include "fuzz.h"
#include "workflows/parse/plan.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct plan *p = NULL;
	struct dberr e;

	dberr_clear(&e);
	if (plan_parse_buffer("fuzz.yaml", (const char *)data, size, NULL, &p, &e) == 0)
		plan_free(p);
	return 0;
}
