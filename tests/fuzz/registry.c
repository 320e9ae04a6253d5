/* registries, in YAML (fuzz_registry_yaml), CSV (fuzz_registry_csv) or a workbook
 * (fuzz_registry_xlsx: the ZIP archive and its XML parts), as FUZZ_SUFFIX says: subjects,
 * contacts, addresses, credit codes, the file format's framing. */
#include "fuzz.h"
#include "workflows/parse/registry.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const known[] = {"changji-city", "fukang", NULL};
	struct registry_ctx ctx = {known, NULL};
	struct registry *r = NULL;
	struct dberr e;

	dberr_clear(&e);
	if (registry_parse_file(fuzz_file(data, size, FUZZ_SUFFIX), &ctx, &r, &e) == 0)
		registry_free(r);
	return 0;
}
