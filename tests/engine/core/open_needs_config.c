/*
 * engine_open refuses to run without a configuration: an engine with a zeroed one had no
 * sender address and no template folder, and the first notice that could not be built
 * crashed in the admin telling (strset_add of a NULL `from`). The refusal creates no store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/core/engine.h"
#include "lib/test.h"

int
main(void)
{
	struct engine_opts o = {0};
	struct engine *en = (struct engine *)&o; /* must be left alone or set to NULL */
	struct config cfg;
	struct dberr e;
	struct stat st;
	char *dir = test_tmpdir(), *db = malloc(strlen(dir) + 8);

	sprintf(db, "%s/store", dir);
	dberr_clear(&e);
	o.db = db;
	o.store_flags = STORE_CREATE;
	o.actor = "test";
	ASSERT_EQ(engine_open(&o, &en, &e), DB_ESOFTWARE);
	ASSERT(strstr(e.msg, "configuration") != NULL);
	ASSERT(stat(db, &st) != 0); /* nothing made */

	/* with config_load's result it opens, and the sender is the documented default */
	dberr_clear(&e);
	ASSERT_EQ(config_load(NULL, &cfg, &e), 0);
	o.config = &cfg;
	ASSERT_EQ(engine_open(&o, &en, &e), 0);
	ASSERT(engine_config(en)->from != NULL && engine_config(en)->from[0] != '\0');
	ASSERT(engine_config(en)->template_dir != NULL);
	engine_close(en);
	config_release(&cfg);
	free(db);
	free(dir);
	return 0;
}
