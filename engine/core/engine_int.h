/*
 * engine_int.h - the engine handle's fields: private to engine/core/. Every other module
 * goes through engine.h's functions.
 */
#ifndef DABIAO_ENGINE_INT_H
#define DABIAO_ENGINE_INT_H

#include "engine/core/engine.h"

struct engine {
	struct store *store;          /* owned unless a sibling's (engine_open_sibling) */
	bool owns_store;
	enum store_clock_mode mode;
	int64_t now;                  /* VIRTUAL: the store's now; REAL: as last read */
	struct tz *tz;                /* the store's zone for command-line times; owned */
	struct engine_plan *plans;    /* the current version of each plan; owned */
	size_t nplans, capplans;
	struct config config;         /* a copy of the operator's configuration; owned */
	char *actor;                  /* owned */
	int64_t started;
	engine_action_fn on_action;
	void *on_action_arg;
	bool dry;                     /* engine_opts.dry */
	enum log_level log_level;     /* engine_opts.log_level */
	bool in_write;                /* inside engine_write: actions wait for the commit */
	struct engine_action *held;   /* actions of the open transaction; strings owned */
	size_t nheld, capheld;
	struct {
		void *p;
		void (*release)(void *);
	} slots[ENGINE_SLOT__N];
};

#endif
