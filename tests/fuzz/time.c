/* times and dates as people type them: RFC 3339 instants in a zone, dates, periods of
 * every frequency. A parsed instant must format and parse back to itself, within the
 * minute: an RFC 3339 offset has no seconds, and before standard time a zone's local mean
 * time has them (Berlin's was +00:53:28; regress/time/lmt-offset-seconds-*). */
#include "fuzz.h"
#include "time/calendar.h"
#include "time/tz.h"

static struct tz *zone;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct dberr e;

	(void)argc;
	(void)argv;
	dberr_clear(&e);
	if (tz_open("Europe/Berlin", &zone, &e) != 0)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = strndup((const char *)data, size), text[64];
	int64_t t, back;
	int32_t day;

	if (tz_parse_time(zone, s, &t) == 0) {
		tz_format_rfc3339(zone, t, text);
		if (tz_parse_time(zone, text, &back) != 0 || back - t >= 60 || t - back >= 60)
			abort();
	}
	(void)cal_parse_date(s, &day);
	for (int f = CAL_DAY; f <= CAL_MONTH; f++)
		(void)cal_parse_period((enum cal_freq)f, s, &day);
	free(s);
	return 0;
}
