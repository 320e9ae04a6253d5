/*
 * Loading templates from folders: a missing kind is -ENOENT (so the caller can fall back),
 * a folder check stops at the first bad template in name order and names it, and the
 * built-in zh-CN folder passes the same check `dabiao check` applies to a plan's own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/xalloc.h"
#include "notifiers/template.h"
#include "lib/test.h"

static void
put(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "wb");

	ASSERT(f != NULL);
	fputs(text, f);
	ASSERT_EQ(fclose(f), 0);
	free(path);
}

static void
rm(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);

	unlink(path);
	free(path);
}

static const char *
echo_name(const char *name, void *arg)
{
	(void)arg;
	return name;
}

static void
check_builtin(void)
{
	const char *src = getenv("DABIAO_SRC");
	static const char *const kinds[] = {
		"reminder", "overdue", "escalation", "incomplete", "accountability",
		"interview-warning", "approval-restriction-warning", "conduct", "notice",
		"dispatch", "digest", "delivery-failed", NULL,
	};
	struct dberr e;
	char *dir;

	ASSERT(src != NULL);
	dir = xasprintf("%s/notifiers/templates/zh-CN", src);
	dberr_clear(&e);
	if (notify_tpl_check_dir(dir, &e) != 0)
		dberr_print(&e, stderr);
	ASSERT_EQ(e.code, 0);
	/* Every kind of the contract has its built-in template, and it renders to text with
	 * a one-line, non-empty subject. */
	for (size_t i = 0; kinds[i]; i++) {
		struct notify_tpl *t;
		char *subject, *body;

		fprintf(stderr, "built-in %s\n", kinds[i]);
		ASSERT_EQ(notify_tpl_load(dir, kinds[i], &t, &e), 0);
		ASSERT_STR_EQ(notify_tpl_kind(t), kinds[i]);
		ASSERT_EQ(notify_tpl_render(t, echo_name, NULL, &subject, &body), 0);
		ASSERT(subject[0] != '\0');
		ASSERT(strchr(subject, '\n') == NULL);
		ASSERT(strstr(subject, "{{") == NULL && strstr(body, "{{") == NULL);
		free(subject);
		free(body);
		notify_tpl_free(t);
	}
	free(dir);
}

int
main(void)
{
	char *dir = test_tmpdir(), *missing = xasprintf("%s/none", dir);
	struct notify_tpl *t = NULL;
	struct dberr e;

	/* An empty folder has nothing wrong with it. */
	dberr_clear(&e);
	ASSERT_EQ(notify_tpl_check_dir(dir, &e), 0);

	/* A kind without a file: -ENOENT naming the path, for the caller's fallback. */
	ASSERT_EQ(notify_tpl_load(dir, "reminder", &t, &e), -ENOENT);
	ASSERT(t == NULL);
	ASSERT_STR_CONTAINS(e.file, "/reminder.txt");
	dberr_clear(&e);
	ASSERT_EQ(notify_tpl_check_dir(missing, &e), -ENOENT);
	ASSERT_STR_EQ(e.file, missing);

	/* A kind that is not a file name is refused before any path is built. */
	dberr_clear(&e);
	ASSERT_EQ(notify_tpl_load(dir, "../etc/passwd", &t, &e), DB_EDATA);
	ASSERT_EQ(notify_tpl_load(dir, "", &t, &e), DB_EDATA);

	put(dir, "reminder.txt", "Subject: 提醒 {{period}}\n\n{{subject_name}}：请按时报送。\n");
	put(dir, "my-rule.txt", "Subject: 自定义\n\n{{lapses}}\n");
	put(dir, "README.md", "not a template {{at all\n");
	dberr_clear(&e);
	ASSERT_EQ(notify_tpl_check_dir(dir, &e), 0);
	ASSERT_EQ(notify_tpl_load(dir, "reminder", &t, &e), 0);
	ASSERT_STR_EQ(notify_tpl_kind(t), "reminder");
	notify_tpl_free(t);

	/* Two bad files: the first in name order is reported, with its place. */
	put(dir, "zz-late.txt", "Subject: s\n\n{{bogus}}\n");
	put(dir, "overdue.txt", "Subject: 逾期\n\n第一行\n  {{days_overdue}} {{days_overdu}}\n");
	dberr_clear(&e);
	ASSERT_EQ(notify_tpl_check_dir(dir, &e), DB_EDATA);
	ASSERT_STR_CONTAINS(e.file, "/overdue.txt");
	ASSERT_EQ(e.line, 4);
	ASSERT_EQ(e.col, 20);
	ASSERT_STR_CONTAINS(e.msg, "days_overdu");
	rm(dir, "overdue.txt");
	dberr_clear(&e);
	ASSERT_EQ(notify_tpl_check_dir(dir, &e), DB_EDATA);
	ASSERT_STR_CONTAINS(e.file, "/zz-late.txt");
	rm(dir, "zz-late.txt");

	/* A .txt whose name cannot be a kind is an error, not silently skipped. */
	put(dir, "Bad Name.txt", "Subject: s\n\nx\n");
	dberr_clear(&e);
	ASSERT_EQ(notify_tpl_check_dir(dir, &e), DB_EDATA);
	ASSERT_STR_CONTAINS(e.msg, "Bad Name.txt");
	rm(dir, "Bad Name.txt");

	rm(dir, "reminder.txt");
	rm(dir, "my-rule.txt");
	rm(dir, "README.md");
	ASSERT_EQ(rmdir(dir), 0);

	check_builtin();
	free(missing);
	free(dir);
	return 0;
}
