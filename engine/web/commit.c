/*
 * commit.c - the web's writes, grouped: one thread commits the submissions queued by the
 * request threads in one store transaction and one synced commit (engine_write_group:
 * each in a nested transaction, so one refused is undone alone), and answers each request
 * only once its group is durable.
 *
 * Why: each web write used to be its own synced commit (an fsync of the data and one of
 * the meta page, ~6 ms each here), taken one after another behind the store's one writer;
 * 200 clients submitting queued for tens of seconds even with no daemon (review 11b's
 * follow-up, docs/web.md "Why libmicrohttpd, and threads"). A group costs one commit
 * whatever its size, so the queue drains as fast as requests come.
 *
 * A request's engine (its actor, clock, plans) stays its own: the committer runs each
 * item's function with the engine the request borrowed, while that request's thread waits
 * here and does not touch it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "base/xalloc.h"
#include "engine/web/web_int.h"

#define COMMIT_GROUP_MAX 64  /* submissions one commit takes at most */

struct web_commit {
	struct engine_write_item item;
	bool done;
	struct web_commit *next;
};

static void *
committer_main(void *arg)
{
	struct web *w = arg;
	struct engine_write_item items[COMMIT_GROUP_MAX];
	struct web_commit *taken[COMMIT_GROUP_MAX];

	pthread_mutex_lock(&w->commit_lock);
	for (;;) {
		size_t n = 0;
		struct dberr e;

		while (w->commit_head == NULL && !w->commit_stop)
			pthread_cond_wait(&w->commit_wake, &w->commit_lock);
		if (w->commit_head == NULL)
			break; /* stopping, and nothing is waiting */
		while (w->commit_head != NULL && n < COMMIT_GROUP_MAX) {
			taken[n] = w->commit_head;
			w->commit_head = taken[n]->next;
			items[n] = taken[n]->item;
			n++;
		}
		if (w->commit_head == NULL)
			w->commit_tail = NULL;
		pthread_mutex_unlock(&w->commit_lock);
		dberr_clear(&e);
		if (engine_write_group(items, n, &e) != 0)
			log_warnx(w->log_level, "web",
			          "a group of %zu writes failed: %s", n, e.msg);
		pthread_mutex_lock(&w->commit_lock);
		for (size_t i = 0; i < n; i++) {
			taken[i]->item.rc = items[i].rc;
			taken[i]->item.err = items[i].err;
			taken[i]->done = true;
		}
		pthread_cond_broadcast(&w->commit_done);
	}
	pthread_mutex_unlock(&w->commit_lock);
	return NULL;
}

int
web_commit_start(struct web *w, struct dberr *e)
{
	if (pthread_create(&w->committer, NULL, committer_main, w) != 0)
		return dberr_set(e, DB_ETEMP, "cannot start the web's committing thread");
	w->committing = true;
	return 0;
}

void
web_commit_stop(struct web *w)
{
	if (!w->committing)
		return;
	pthread_mutex_lock(&w->commit_lock);
	w->commit_stop = true;
	pthread_cond_signal(&w->commit_wake);
	pthread_mutex_unlock(&w->commit_lock);
	pthread_join(w->committer, NULL);
	w->committing = false;
}

int
web_write(struct req *r, store_fn fn, void *arg, struct dberr *e)
{
	struct web *w = r->w;
	struct web_commit c = {{r->en, fn, arg, 0, {0}}, false, NULL};

	pthread_mutex_lock(&w->commit_lock);
	if (w->commit_tail)
		w->commit_tail->next = &c;
	else
		w->commit_head = &c;
	w->commit_tail = &c;
	pthread_cond_signal(&w->commit_wake);
	while (!c.done)
		pthread_cond_wait(&w->commit_done, &w->commit_lock);
	pthread_mutex_unlock(&w->commit_lock);
	if (c.item.rc != 0 && e != NULL)
		*e = c.item.err;
	return c.item.rc;
}
