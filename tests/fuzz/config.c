/* the configuration file: every key, durations, addresses, the SMTP section. */
#include "engine/config/config.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* only the file is under test */
	unsetenv("DABIAO_SMTP");
	unsetenv("DABIAO_CONFIG");
	unsetenv("DABIAO_STORE_MAPSIZE");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	struct dberr e;

	dberr_clear(&e);
	if (config_load(fuzz_file(data, size, ".yaml"), &c, &e) == 0)
		config_release(&c);
	return 0;
}
