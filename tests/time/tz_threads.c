/*
 * Conversions from four threads at once, on zones the threads share, give exactly the
 * answers one thread gets alone; meanwhile each thread also opens and frees zones of its
 * own, so tz_open runs concurrently with itself and with conversions.
 */
#include <pthread.h>
#include <stdbool.h>

#include "time/calendar.h"
#include "time/tz.h"
#include "lib/test.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define NTHREADS 4
#define NSAMPLES 4000
#define ROUNDS 3

static const char *const zones[] = {"America/New_York", "Asia/Shanghai", "Europe/London",
                                    "Australia/Lord_Howe", "America/Sao_Paulo", "UTC"};
/* opened and freed by the threads themselves while the others convert */
static const char *const own[] = {"Europe/Berlin", "Pacific/Apia", "America/St_Johns",
                                  "Asia/Kolkata"};

struct answer {
	int32_t day;
	int sec, off;
	int64_t back;
	char rfc3339[32], rfc5322[40], local[24];
};

static struct tz *shared[N(zones)];
static int64_t samples[NSAMPLES];
static struct answer reference[N(zones)][NSAMPLES];

struct worker {
	pthread_t id;
	size_t first;      /* where in the samples this thread starts, so threads differ */
	long mismatches;
	long opens;
};

static void
ask(const struct tz *z, int64_t t, struct answer *a)
{
	tz_utc_to_local(z, t, &a->day, &a->sec, &a->off);
	a->back = tz_local_to_utc(z, a->day, a->sec);
	tz_format_rfc3339(z, t, a->rfc3339);
	tz_format_rfc5322(z, t, a->rfc5322);
	tz_format_local(z, t, a->local);
}

static bool
equal(const struct answer *a, const struct answer *b)
{
	return a->day == b->day && a->sec == b->sec && a->off == b->off && a->back == b->back &&
	       strcmp(a->rfc3339, b->rfc3339) == 0 && strcmp(a->rfc5322, b->rfc5322) == 0 &&
	       strcmp(a->local, b->local) == 0;
}

static void *
work(void *arg)
{
	struct worker *w = arg;

	for (int round = 0; round < ROUNDS; round++) {
		struct tz *mine;
		struct answer a;
		int rc;

		rc = tz_open(own[(w->first + (size_t)round) % N(own)], &mine, NULL);
		if (rc != 0) {
			w->mismatches++;
			continue;
		}
		w->opens++;
		for (size_t n = 0; n < NSAMPLES; n++) {
			size_t i = (w->first + n * 7) % NSAMPLES, k = (n + (size_t)round) % N(zones);

			ask(shared[k], samples[i], &a);
			if (!equal(&a, &reference[k][i]))
				w->mismatches++;
			if (n % 64 == 0)
				ask(mine, samples[i], &a);
		}
		tz_free(mine);
	}
	return NULL;
}

static void
threads_converting_at_once_agree_with_one_thread(void)
{
	struct worker w[NTHREADS];
	struct dberr e;

	dberr_clear(&e);
	/* every 25 h 15 min 35 s from 2016 on: eleven years, drifting through the hours */
	for (size_t i = 0; i < NSAMPLES; i++)
		samples[i] = (int64_t)cal_days_from_civil(2016, 1, 1) * 86400 + (int64_t)i * 90935;
	for (size_t k = 0; k < N(zones); k++) {
		ASSERT_EQ(tz_open(zones[k], &shared[k], &e), 0);
		for (size_t i = 0; i < NSAMPLES; i++)
			ask(shared[k], samples[i], &reference[k][i]);
	}
	for (int i = 0; i < NTHREADS; i++) {
		w[i] = (struct worker){.first = (size_t)i * (NSAMPLES / NTHREADS)};
		ASSERT_EQ(pthread_create(&w[i].id, NULL, work, &w[i]), 0);
	}
	for (int i = 0; i < NTHREADS; i++) {
		ASSERT_EQ(pthread_join(w[i].id, NULL), 0);
		ASSERT_EQ(w[i].mismatches, 0);
		ASSERT_EQ(w[i].opens, ROUNDS);
	}
	for (size_t k = 0; k < N(zones); k++)
		tz_free(shared[k]);
}

int
main(void)
{
	threads_converting_at_once_agree_with_one_thread();
	return 0;
}
