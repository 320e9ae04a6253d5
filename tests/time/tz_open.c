/*
 * Opening zones: IANA names from the system tzdata open, anything else is refused with
 * DB_EDATA naming the zone. $TZDIR is not read (tz.c reads no environment; libical looks
 * in the system tzdata only). UTC without tzdata: tz_no_tzdata.c.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "time/calendar.h"
#include "time/tz.h"
#include "lib/test.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void
names_open_only_when_they_are_tzif_files(void)
{
	static const struct {
		const char *name;
		int rc;
	} cases[] = {
		{"UTC", 0},
		{"Etc/UTC", 0},
		{"Asia/Shanghai", 0},
		{"Asia/Urumqi", 0},
		{"America/Argentina/Buenos_Aires", 0},
		{"Etc/GMT+8", 0},
		{"EST5EDT", 0},
		{"", DB_EDATA},
		{"Mars/Olympus", DB_EDATA},
		{"asia/shanghai", DB_EDATA},
		{"Asia", DB_EDATA},                     /* a folder */
		{"Asia/", DB_EDATA},
		{"leapseconds", DB_EDATA},              /* a regular file, but not TZif */
		{"zone.tab", DB_EDATA},
		{"../zoneinfo/UTC", DB_EDATA},
		{"Asia/../Asia/Shanghai", DB_EDATA},
		{"/usr/share/zoneinfo/UTC", DB_EDATA},
		{"Asia/Shanghai ", DB_EDATA},
		{"Asia\\Shanghai", DB_EDATA},
		{":Asia/Shanghai", DB_EDATA},
		{"CST-8", DB_EDATA},                    /* a POSIX rule, not a zone name */
		{"right/Asia/Shanghai", DB_EDATA},      /* leap seconds in time_t */
		{"posix/Asia/Shanghai", 0},
	};
	struct dberr e;
	struct tz *z;
	int rc;

	for (size_t i = 0; i < N(cases); i++) {
		dberr_clear(&e);
		z = (struct tz *)&e; /* must stay untouched on failure */
		rc = tz_open(cases[i].name, &z, &e);
		if (rc != cases[i].rc)
			fprintf(stderr, "case '%s'\n", cases[i].name);
		ASSERT_EQ(rc, cases[i].rc);
		if (cases[i].rc == 0) {
			ASSERT_STR_EQ(tz_name(z), cases[i].name);
			tz_free(z);
			continue;
		}
		ASSERT(z == (struct tz *)&e);
		ASSERT_EQ(e.code, DB_EDATA);
		ASSERT_STR_CONTAINS(e.msg, "unknown time zone");
		if (cases[i].name[0] != '\0')
			ASSERT_STR_CONTAINS(e.msg, cases[i].name);
	}
	/* a name longer than any zone is refused, not truncated into a real one */
	char longname[300];
	memset(longname, 'A', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	dberr_clear(&e);
	ASSERT_EQ(tz_open(longname, &z, &e), DB_EDATA);
	dberr_clear(&e);
	ASSERT_EQ(tz_open(NULL, &z, &e), DB_EDATA);
	ASSERT_EQ(tz_open("Mars/Olympus", &z, NULL), DB_EDATA);
}

static void
copy_file(const char *from, const char *to)
{
	char block[4096];
	ssize_t n;
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	ASSERT(in >= 0 && out >= 0);
	while ((n = read(in, block, sizeof(block))) > 0)
		ASSERT_EQ(write(out, block, (size_t)n), n);
	close(in);
	close(out);
}

/* A zone copied into a folder named by $TZDIR is not found there, and the system's
 * zones still open and convert: the environment chooses nothing. */
static void
tzdir_is_not_read(void)
{
	char *dir = test_tmpdir(), path[4200];
	struct dberr e;
	struct tz *z;
	int64_t t;
	char buf[48];

	snprintf(path, sizeof(path), "%s/My", dir);
	ASSERT_EQ(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/My/Zone", dir);
	copy_file("/usr/share/zoneinfo/Asia/Shanghai", path);
	setenv("TZDIR", dir, 1);

	dberr_clear(&e);
	ASSERT_EQ(tz_open("My/Zone", &z, &e), DB_EDATA);
	ASSERT_STR_CONTAINS(e.msg, "My/Zone");
	dberr_clear(&e);
	ASSERT_EQ(tz_open("Asia/Shanghai", &z, &e), 0);
	t = tz_local_to_utc(z, cal_days_from_civil(2017, 10, 9), 86399);
	tz_format_rfc3339(z, t, buf);
	ASSERT_STR_EQ(buf, "2017-10-09T23:59:59+08:00");
	ASSERT_EQ(t, (int64_t)cal_days_from_civil(2017, 10, 9) * 86400 + 57599);
	tz_free(z);
	dberr_clear(&e);
	ASSERT_EQ(tz_open("UTC", &z, &e), 0);
	ASSERT_EQ(tz_local_to_utc(z, 17448, 3600), (int64_t)17448 * 86400 + 3600);
	tz_free(z);

	unsetenv("TZDIR");
	unlink(path);
	snprintf(path, sizeof(path), "%s/My", dir);
	rmdir(path);
	rmdir(dir);
	free(dir);
}

int
main(void)
{
	names_open_only_when_they_are_tzif_files();
	tzdir_is_not_read();
	return 0;
}
