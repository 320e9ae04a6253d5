/*
 * commands.c - the command table and the dispatcher: what each command needs and what it
 * tells its reader (cli_int.h), and the opening, error printing, delivering, closing and
 * output checking done once for all.
 *
 * A new command is one row here: its function, its flags, its group, and its words for
 * `dabiao help`, the man page and the completion (help.c renders all three from the row).
 * Every option the command's cli_parse accepts must be in the row's opts, or cli_parse
 * refuses it; then regenerate the kept copies (tests/it/help_docs.py says how).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/utf8.h"
#include "base/xalloc.h"
#include "engine/cli/cli_int.h"

#define RD CLI_ENGINE
#define RW (CLI_ENGINE | CLI_WRITE)

/* Options several commands share, with the same words everywhere. */
#define OPT_PLAN(what) {"plan", "ID", "every plan in the store", "only " what " of plan ID"}
#define OPT_BY {"by", "WHO", NULL, "who acts (a name or an office); recorded in the audit " \
	"trail beside the user who ran the command. Required."}
#define OPT_OUT(what) {"out", "FILE", "standard output", "write " what " to FILE instead " \
	"('-': standard output); a FILE inside the store folder is refused (73)"}
#define END_OPTS {NULL, NULL, NULL, NULL}

/* Sorted by name. */
const struct cli_command cli_commands[] = {
	{.name = "advance", .fn = cmd_advance, .flags = RW | CLI_VIRTUAL, .group = CLI_G_TIME,
	 .summary = "apply every due entry up to a time (virtual clock)",
	 .usage = "dabiao advance --to TIME [--format table|csv|csv-excel|json]",
	 .text = "Moves a virtual-clock store's now forward to TIME and applies, in order, "
	         "everything that fell due on the way: reminders, deadlines (lapses), "
	         "escalations, conduct warnings, digests and dispatches, delivering the notices "
	         "each batch queues. Each applied entry is printed as one timeline line (local "
	         "time, kind, task, recipients; a deadline's line shows the deadline itself to "
	         "the second, as `tasks` does, the lapse following one second later); the count goes to standard error, and so does a "
	         "note before the first action in a year one of the plan's calendars does not "
	         "cover. This is how a plan is rehearsed before going live, and how tests move "
	         "time.",
	 .opts = (const struct cli_optdoc[]){
		 {"to", "TIME", NULL, "the new now: RFC 3339, or a local time in the store's zone "
		  "(2017-07-06T00:00:00). Required; it may not be before the store's now."},
		 {"format", "table|csv|csv-excel|json", "table", "the timeline: text lines, or rows "
		  "of at (RFC 3339), kind, task and recipients (a list) for a script "
		  "(docs/output.md)"},
		 END_OPTS},
	 .exits = (const struct cli_exitdoc[]){
		 {64, "the store runs on the real clock, or TIME is missing, unreadable or in the "
		  "past"},
		 {75, "an SMTP server refused a notice for now (it is retried)"},
		 {0, NULL}},
	 .example = "dabiao advance --to 2017-07-06T00:00:00+08:00"},
	{.name = "audit", .fn = cmd_audit, .flags = CLI_STORE, .group = CLI_G_RECORDS,
	 .summary = "the audit trail: list, export, checkpoint, key, prove, verify",
	 .usage = "dabiao audit [--task T] [--subject S] [--actor A] [--since TIME] "
	          "[--format table|jsonl]\n"
	          "dabiao audit export [--out FILE]\n"
	          "dabiao audit checkpoint [--format json]\n"
	          "dabiao audit checkpoints [--full] [--format table|csv|csv-excel|json]\n"
	          "dabiao audit key\n"
	          "dabiao audit prove SEQ [--checkpoint FILE]\n"
	          "dabiao audit show SEQ\n"
	          "dabiao audit verify [--checkpoint FILE [--key FILE]] [--no-files]",
	 .text = "Every change writes one audit record in the same transaction; the records form "
	         "an RFC 9162 Merkle tree (docs/audit.md specifies each byte).\n\n"
	         "Without a subcommand, lists the records, oldest first. `export` writes each "
	         "record's canonical JSON line. `checkpoint` prints the tree head signed with "
	         "the configured Ed25519 key, else the store's own, made by `init` (a C2SP "
	         "tlog-checkpoint): mail it, print it, let others keep it; it is kept in the "
	         "store too, and `checkpoints` lists the kept ones (--full: their texts). `key` "
	         "prints the signed-note verifier key of that signing key. `prove SEQ` prints the "
	         "inclusion proof of record SEQ. `show SEQ` prints the message a notice record "
	         "stands for, byte for byte (its sha256 is in the record), or the record itself. "
	         "`verify` recomputes every "
	         "record's leaf and the tree, and with --checkpoint checks that the log still "
	         "begins with the log the checkpoint signed; then that every notice's stored "
	         "message and .eml file in DB/outbox/ hash to its record's sha256, and that "
	         "every .eml file there is named by a notice record; then that every file handed "
	         "in on the web that a record names is in DB/files/ with the bytes its sha256 "
	         "says. The outcome is kept for the web's audit page.",
	 .opts = (const struct cli_optdoc[]){
		 {"task", "T", NULL, "(list) only the records of task T; one that no record names "
		  "and the store does not have is a usage error (64)"},
		 {"subject", "S", NULL, "(list) only the records of jurisdiction or enterprise S "
		  "(or plan S: its loads); one that no record names and the registry does not have "
		  "is a usage error (64)"},
		 {"actor", "A", NULL, "(list) only the records of actor A; one that no record "
		  "names is a usage error (64)"},
		 {"since", "TIME", NULL, "(list) only records whose clock time is TIME or later"},
		 {"format", "table|jsonl|json|csv|csv-excel", "table", "(list) table or jsonl: one {\"leaf\":HEX,"
		  "\"record\":RECORD} object per line. (checkpoint) json only, no default: one "
		  "object with origin, "
		  "size, root (base64), root_hex and note (the signed note itself). "
		  "(checkpoints) table, csv, csv-excel or json: one row or object of those fields per "
		  "kept checkpoint"},
		 {"out", "FILE", "standard output", "(export) write the records to FILE ('-': "
		  "standard output); a FILE inside the store folder is refused (73)"},
		 {"full", NULL, NULL, "(checkpoints) print each kept checkpoint's signed text"},
		 {"checkpoint", "FILE", NULL, "(prove, verify) an earlier checkpoint: prove "
		  "inclusion in its tree; verify that the log still begins with it"},
		 {"key", "FILE", "the configured signing key", "(verify, with --checkpoint) a file holding the key that "
		  "checks the checkpoint's signature: the line `dabiao audit key` prints (what a "
		  "verifier is given; `dabiao audit key > key.txt`), or a PEM public or private "
		  "Ed25519 key. A value that is no file is a usage error (64)"},
		 {"no-files", NULL, NULL, "(verify) do not read the files handed in on the web "
		  "(DB/files/): the tree and the notices only, for a quick check of a large store; "
		  "the run is kept as one that skipped them"},
		 END_OPTS},
	 .exits = (const struct cli_exitdoc[]){
		 {64, "(list) --task or --subject names nothing: no record and not the store's; "
		  "--actor names no record's actor"},
		 {65, "verify: a record was changed, deleted or cannot be read, the log is not "
		  "consistent with the checkpoint, a notice's stored message or .eml file was "
		  "changed or deleted, an .eml file in the outbox is named by no record, or a "
		  "file handed in on the web is missing or changed (each named on standard error); "
		  "prove: no such record"},
		 {78, "checkpoint, key: no signing key: none configured (DABIAO_AUDIT_KEY) and "
		  "the store has none of its own"},
		 {0, NULL}},
	 .example = "dabiao audit --task changji-2017/roster/fukang-city/once\n"
	            "dabiao audit checkpoint > cp-2017-07.txt\n"
	            "dabiao audit key > audit-key.txt\n"
	            "# a year later, on a copy of the store:\n"
	            "dabiao audit verify --checkpoint cp-2017-07.txt --key audit-key.txt",
	 .subs = "checkpoint checkpoints export key prove show verify"},
	{.name = "backup", .fn = cmd_backup, .flags = CLI_STORE, .group = CLI_G_RECORDS,
	 .summary = "a consistent, compacted hot copy of the store",
	 .usage = "dabiao backup DIR",
	 .text = "Copies the store into DIR (new, or an empty folder, outside the store "
	         "folder) while `dabiao run` goes "
	         "on writing: the database as one consistent snapshot, compacted, then "
	         "everything else the store folder holds, above all the outbox's .eml files "
	         "(the only copy of what was sent when no SMTP server is configured). To "
	         "restore: stop dabiao, move the damaged store aside, put the copy in its place "
	         "(or point --db at it), start dabiao; deploy/README.md has the steps. The copy "
	         "is made in a temporary folder beside DIR (.DIR.partial-XXXXXX) and renamed "
	         "to DIR once whole.",
	 .exits = (const struct cli_exitdoc[]){
		 {73, "DIR cannot be created, is not empty, is inside the store folder (or holds "
		  "it); nothing is written then, and a copy that fails half-way is removed"},
		 {0, NULL}},
	 .example = "dabiao --db /var/lib/dabiao/store backup /var/backups/dabiao-2017-07-01",
	 .file_args = true},
	{.name = "calendar", .fn = cmd_calendar, .flags = RD, .group = CLI_G_RECORDS,
	 .summary = "the deadlines as an iCalendar (RFC 5545) file, reminders as alarms",
	 .usage = "dabiao calendar [--plan ID] [--subject ID] [--role R] [--out FILE]",
	 .text = "Writes one event per task at its deadline, with the engine's own reminder "
	         "instants as alarms, for calendar programs.",
	 .opts = (const struct cli_optdoc[]){
		 OPT_PLAN("the tasks"),
		 {"subject", "ID", "every subject", "only the tasks of jurisdiction or enterprise "
		  "ID, and of the enterprises in jurisdiction ID"},
		 {"role", "R", "every role", "only the tasks whose owner is role R"},
		 OPT_OUT("the calendar"),
		 END_OPTS},
	 .exits = (const struct cli_exitdoc[]){
		 {64, "--plan, --subject or --role names nothing in the store (the message "
		  "lists what there is)"},
		 {73, "FILE cannot be created"},
		 {0, NULL}},
	 .example = "dabiao calendar --subject fukang-city --out fukang.ics"},
	{.name = "calendar-update", .fn = cmd_calendar_update, .flags = RW,
	 .group = CLI_G_SETUP,
	 .summary = "a calendar file's new year or amendment reaches the stored plans using it",
	 .usage = "dabiao calendar-update CALENDAR.yaml [--dry-run]",
	 .text = "Every stored plan whose current version uses the calendar (its `calendar: "
	         "NAME`) is read again from its stored source with this file in place of the "
	         "copy it keeps. A plan whose resolved calendar changes gets a new version "
	         "(audit action plan.calendar), and its open tasks move to the new dates with "
	         "their reminders and escalations (one task.redate audit record each), as "
	         "`load` moves them; a task "
	         "in a final state, extended by hand, or whose old or new deadline has passed "
	         "is kept and listed. A change that moves no day (a 文号, a notice's title, a "
	         "holiday's name, why a year is not confirmed) is a new version too: \"sources "
	         "changed, no date moved\".\n\n"
	         "All or nothing: every plan is tried first; when the file does not fit one "
	         "(each refusal is printed with its reason), nothing is written and the status "
	         "is that of the first refusal. Else all the new versions are written in one "
	         "transaction.\n\n"
	         "The file must be the NAME.yaml that `use` finds in calendars_dir or the "
	         "shipped folder, so that loading a plan again resolves the same calendar: "
	         "put it in calendars_dir first (docs/plan-format.md, \"Adding a year\").",
	 .opts = (const struct cli_optdoc[]){
		 {"dry-run", NULL, NULL, "only print what would change; nothing is written"},
		 END_OPTS},
	 .exits = (const struct cli_exitdoc[]){
		 {64, "the file is not the one the configured folders hold for its name"},
		 {65, "the calendar file is not valid, or a plan using it refused it (nothing "
		  "written)"},
		 {66, "the file cannot be opened"},
		 {0, NULL}},
	 .example = "cp /usr/local/share/dabiao/calendars/cn-mainland.yaml /etc/dabiao/calendars/\n"
	            "# add the new year's version, then:\n"
	            "dabiao check /etc/dabiao/calendars/cn-mainland.yaml\n"
	            "dabiao calendar-update /etc/dabiao/calendars/cn-mainland.yaml --dry-run",
	 .file_args = true},
	{.name = "check", .fn = cmd_check, .flags = 0, .group = CLI_G_SETUP,
	 .summary = "validate plan files and calendar files",
	 .usage = "dabiao check PLAN.yaml|CALENDAR.yaml...",
	 .text = "Reads each plan file as `load` would, without a store, and prints one line "
	         "per valid plan, then each working-day calendar it uses (`calendar.use`: the "
	         "file found in calendars_dir or the shipped folder) with the years it covers. "
	         "A year the plan's dues reach that one of its calendars does not cover is a "
	         "warning on standard error naming the year (dues in it assume weekends only); "
	         "the plan still passes.\n\n"
	         "A calendar file (a top-level `calendar:` name, workflows/calendars/) is "
	         "validated and each version printed with its days off, weekday days off and "
	         "weekend days worked, to compare with the notice.\n\n"
	         "The first fault of each file is printed as FILE:LINE:COLUMN: error: MESSAGE "
	         "(columns count characters); every file is checked, however many are given. "
	         "Files are UTF-8 (a UTF-16 file is refused) of at most 64 MiB; ids have at "
	         "most 48 characters. docs/plan-format.md is the reference.",
	 .exits = (const struct cli_exitdoc[]){
		 {65, "a plan or calendar file is not valid (the status of the first faulty file)"},
		 {66, "a file cannot be opened"},
		 {77, "a file cannot be read: no permission"},
		 {78, "the configuration is not valid"},
		 {0, NULL}},
	 .example = "dabiao check workflows/changji-2017.yaml\n"
	            "dabiao check /etc/dabiao/calendars/cn-mainland.yaml",
	 .file_args = true},
	{.name = "clock", .fn = cmd_clock, .flags = RD, .group = CLI_G_TIME,
	 .summary = "show the store's clock mode and now",
	 .usage = "dabiao clock [--format table|json]\n"
	          "dabiao clock --go-live [--format table|json]",
	 .text = "Prints the store's clock mode (real, or virtual: moved only by `advance`), "
	         "its now (RFC 3339) and its zone.\n\n"
	         "--go-live turns a rehearsed virtual-clock store into a real-clock one: the "
	         "plans, the registry, the tasks, the outbox and the audit trail stay, and from "
	         "then on now is the wall clock (audit action clock.go-live). Time never runs "
	         "backwards: a store whose virtual now is ahead of the wall clock is refused. "
	         "What fell due between the rehearsal's now and the wall clock is applied by the "
	         "next `dabiao run`, late and in order, as after downtime; so advance the "
	         "rehearsal to just before going live.",
	 .opts = (const struct cli_optdoc[]){
		 {"format", "table|json", "table", "json: one object with mode, now, now_unix "
		  "(seconds since 1970 UTC) and zone; with --go-live also rehearsal_now and late "
		  "(the due entries the next run applies late)"},
		 {"go-live", NULL, NULL, "switch a virtual-clock store to the real clock"},
		 END_OPTS},
	 .exits = (const struct cli_exitdoc[]){
		 {65, "--go-live: the store runs on the real clock already, or its virtual now is "
		  "ahead of the wall clock"},
		 {0, NULL}},
	 .example = "dabiao clock --format json\n"
	            "dabiao advance --to \"$(date -Iseconds)\" && dabiao clock --go-live"},
	{.name = "decide", .fn = cmd_decide, .flags = RW | CLI_DELIVERS, .group = CLI_G_WORK,
	 .summary = "decide on a proposed conduct warning: approve sends it, dismiss keeps it",
	 .usage = "dabiao decide WARNING approve|dismiss --by WHO --reason TEXT",
	 .text = "A conduct rule with `decide` only proposes its warnings (公开约谈, 项目限批): "
	         "the deciding roles get a candidate list with each warning's number (预警编号) "
	         "and the lapses behind it. This records the decision on warning number "
	         "WARNING: approve sends it to the rule's notify roles now, saying who decided "
	         "and why; dismiss keeps it from them. Both are audited (conduct.decide) and "
	         "final. `dabiao warnings` lists the warnings.",
	 .opts = (const struct cli_optdoc[]){
		 {"by", "WHO", NULL, "who decides: an enabled account (`dabiao user`) whose role is "
		  "among the rule's decide roles, by login or name (姓名); the warning carries the "
		  "name. Required."},
		 {"reason", "TEXT", NULL, "why (in the warning when approved; in the audit trail "
		  "either way). Required."},
		 END_OPTS},
	 .exits = (const struct cli_exitdoc[]){
		 {64, "WARNING is not a number (1, 2, 3, ...), no decision, no --by or --reason (or "
		  "blanks only), or --by names nobody who may decide (the message names who may)"},
		 {65, "no such warning, or it is decided already, superseded by a newer one or "
		  "withdrawn"},
		 {0, NULL}},
	 .example = "dabiao warnings --state proposed\n"
	            "dabiao decide 21 approve --by 李明 --reason \"多项材料逾期未报送\""},
	{.name = "deliver", .fn = cmd_deliver, .flags = RW, .group = CLI_G_TIME,
	 .summary = "deliver every notice due now, once, and exit",
	 .usage = "dabiao deliver",
	 .text = "Sends every queued notice and every retry whose time has come, through the "
	         "configured SMTP server, or as .eml files in DIR/outbox/ when none is "
	         "configured, then exits. For a store whose daemon is not running (cron), or "
	         "after `advance`.",
	 .exits = (const struct cli_exitdoc[]){
		 {75, "the SMTP server failed for now; the notices are retried later"},
		 {0, NULL}},
	 .example = "DABIAO_SMTP=smtp://127.0.0.1:2525 dabiao deliver"},
	{.name = "event", .fn = cmd_event, .flags = RW | CLI_DELIVERS, .group = CLI_G_WORK,
	 .summary = "apply a lifecycle event to a task",
	 .usage = "dabiao event TASK EVENT --by WHO [--reason TEXT] [--note TEXT] [--at TIME]",
	 .text = "Fires EVENT (accept, return, or one of the plan's own lifecycle events such as "
	         "start, verify, close) on TASK, in one transaction with its audit record and "
	         "the notices it causes. An event the task's state does not allow changes "
	         "nothing. `return` needs a reason, and the owner is told it with the deadline; "
	         "`accept` tells the owner too. A report returned after its deadline gets the "
	         "plan's correction period, or is overdue at once (docs/plan-format.md).",
	 .opts = (const struct cli_optdoc[]){
		 OPT_BY,
		 {"reason", "TEXT", NULL, "why: the owner reads it in the returned or accepted "
		  "notice. Required for return."},
		 {"note", "TEXT", NULL, "a remark kept in the audit record"},
		 {"at", "TIME", "now", "when it happened, recorded afterwards (a rectification "
		  "verified on site before its time limit and entered after it): as for `submit "
		  "--at`, never in the future nor before the task or its state; an event that "
		  "ends the task before a lapse already applied voids the lapse (补录, "
		  "docs/plan-format.md)"},
		 END_OPTS},
	 .exits = (const struct cli_exitdoc[]){
		 {64, "return without a reason"},
		 {65, "no such task, the event is not allowed in the task's state, or --at in the "
		  "future or before the task or its state"},
		 {0, NULL}},
	 .example = "dabiao event changji-2017/roster/fukang-city/once accept --by zhidui"},
	{.name = "extend", .fn = cmd_extend, .flags = RW | CLI_DELIVERS, .group = CLI_G_WORK,
	 .summary = "move a task's (or a selection's) deadline",
	 .usage = "dabiao extend TASK --to DATE --by WHO --reason TEXT [--backdate]\n"
	          "dabiao extend --milestone M [--period P] [--jurisdiction J] [--plan ID] "
	          "--to DATE --by WHO --reason TEXT [--backdate]",
	 .text = "Gives TASK, or every task of milestone M (narrowed by period, jurisdiction "
	         "and plan), a new due date; the deadline becomes the end of that day in the "
	         "plan's zone and its reminders and escalations are rescheduled. The original "
	         "due date and the reason are kept in the audit trail, and the owner is told "
	         "both deadlines and the reason. Reminders whose time has passed are not sent. "
	         "All selected tasks change in one transaction, or none; a selected task "
	         "already due DATE is left as it is (a re-run tells nobody twice), and so is "
	         "one already finished (accepted, cancelled, not applicable: a county that "
	         "handed in early), listed after the count. A selection changes one plan's "
	         "tasks: when more than one loaded plan has milestone M, --plan says which.",
	 .opts = (const struct cli_optdoc[]){
		 {"to", "DATE", NULL, "the new due date, YYYY-MM-DD. Required."},
		 OPT_BY,
		 {"reason", "TEXT", NULL, "why (kept in the audit trail). Required."},
		 {"milestone", "M", NULL, "select the tasks of milestone M instead of naming one"},
		 {"period", "P", "every period", "with --milestone: only period P (2017-07, "
		  "2017-W02, once)"},
		 {"jurisdiction", "J", "every jurisdiction", "with --milestone: only the tasks of "
		  "jurisdiction J (and its enterprises)"},
		 {"plan", "ID", "the one loaded plan with milestone M", "with --milestone: only "
		  "the tasks of plan ID; required when more than one loaded plan has M"},
		 {"backdate", NULL, NULL, "DATE may be in the past: an extension agreed earlier, "
		  "recorded now and marked back-dated (a task still open lapses at once); DATE "
		  "is still never before the current deadline"},
		 END_OPTS},
	 .exits = (const struct cli_exitdoc[]){
		 {64, "--milestone M without --plan while more than one loaded plan has M (the "
		  "plans are named; nothing changes), or --milestone, --jurisdiction or --plan "
		  "names nothing in the store (the message lists what there is)"},
		 {65, "no such task, no task matches the selection, TASK (or every selected "
		  "task) is in a final state, DATE is before the task's current deadline (an extension never shortens one) "
		  "or is its current due date (every selected task's: an extension that gives no "
		  "time; nothing changes), or DATE is in the past without --backdate"},
		 {0, NULL}},
	 .example = "dabiao extend --milestone monthly-summary --period 2017-10 --to 2017-10-16 "
	            "--by zhidui --reason \"National Day holiday\""},
	{.name = "flag", .fn = cmd_flag, .flags = RW | CLI_DELIVERS, .group = CLI_G_WORK,
	 .summary = "raise an accountability flag (concealed, falsified, omitted)",
	 .usage = "dabiao flag TASK --kind concealed|falsified|omitted --by WHO --reason TEXT "
	          "[--withdraw]",
	 .text = "Records that TASK's report concealed (瞒报), falsified (谎报) or omitted (漏报) "
	         "something, notifies the plan's accountability roles, and counts the flag "
	         "towards the jurisdiction's conduct warnings (once per task, whatever the "
	         "number of flags). A task can be flagged once something was handed in for it "
	         "or it lapsed, not before.\n\n"
	         "With --withdraw, takes back a flag of that kind raised in error (the wrong "
	         "county, the wrong task): audited as task.unflag, the task.flag record staying "
	         "in the trail; the conduct rules no longer count it from then on (warnings "
	         "already made stay what they were); a correct flag may be raised later.",
	 .opts = (const struct cli_optdoc[]){
		 {"kind", "concealed|falsified|omitted", NULL, "what was found. Required."},
		 OPT_BY,
		 {"reason", "TEXT", NULL, "what was found, in words (with --withdraw: why it is "
		  "withdrawn). Required."},
		 {"withdraw", NULL, NULL, "withdraw the task's flag of this kind instead of "
		  "raising one"},
		 END_OPTS},
	 .exits = (const struct cli_exitdoc[]){
		 {65, "no such task, the task is flagged with this kind already, nothing was handed "
		  "in for it and it has not lapsed, or (--withdraw) it has no such flag"},
		 {0, NULL}},
	 .example = "dabiao flag changji-2017/base-number/fukang-city/once --kind omitted "
	            "--by jiancha --reason \"two cement plants missing\""},
	{.name = "help", .fn = cmd_help, .flags = 0, .group = CLI_G_HELP,
	 .summary = "this help, a command's help, the man page, the bash completion",
	 .usage = "dabiao help [COMMAND [SUBCOMMAND]]\n"
	          "dabiao help --man | --completion | --values KIND",
	 .text = "Without a COMMAND, lists the commands, the global options, the environment "
	         "and the exit statuses. With one, describes it: what it does, every option "
	         "with its default, its exit statuses and an example (the same as `dabiao "
	         "COMMAND --help`); `dabiao help user add` shows `user`'s, where every "
	         "subcommand is. --man prints the manual page (installed as dabiao(1)); "
	         "--completion prints the bash completion script (installed with the binary), "
	         "which completes commands, options and their values: formats and other fixed "
	         "lists from this table, plans, milestones, states, jurisdictions and months "
	         "from the store (through --values, on the store the line names).",
	 .opts = (const struct cli_optdoc[]){
		 {"man", NULL, NULL, "print the manual page (roff)"},
		 {"completion", NULL, NULL, "print the bash completion script"},
		 {"values", "plan|milestone|state|role|jurisdiction|month", NULL, "print, one a "
		  "line, the values the store offers for that option (the loaded plans' ids, "
		  "milestones, states and roles, the registry's jurisdictions, the store's month "
		  "and the eleven before it): what the bash completion offers. A configuration that "
		  "cannot be read is set aside for it: the values are the store's own"},
		 END_OPTS},
	 .exits = (const struct cli_exitdoc[]){
		 {66, "--values: there is no store (dabiao init)"},
		 {74, "--values: the store cannot be read"},
		 {77, "--values: no permission to the store"},
		 {0, NULL}},
	 .example = "dabiao help extend\n"
	            "dabiao help --man | man -l -\n"
	            "dabiao --db /var/lib/dabiao/store help --values jurisdiction"},
	{.name = "import", .fn = cmd_import, .flags = RW | CLI_DELIVERS, .group = CLI_G_SETUP,
	 .summary = "import a registry of jurisdictions, enterprises and offices",
	 .usage = "dabiao import REGISTRY.yaml|ENTERPRISES.csv|ENTERPRISES.xlsx [--dry-run]",
	 .text = "Stores the registry's jurisdictions, enterprises and office addresses, and "
	         "creates the tasks that new subjects owe under every loaded plan, in one "
	         "transaction: on any error nothing changes. A subject already in the store is "
	         "updated, each changed field audited with its before and after, and the "
	         "change reaches its unfinished tasks: an enterprise moved to another "
	         "jurisdiction moves its tasks (lapses already counted stay where they "
	         "happened), one no longer listed has the tasks that depend on `listed` "
	         "cancelled, a new rectify_by moves its task as `extend` does (an earlier "
	         "one too close for any reminder gets the plan's grace from the import, never "
	         "later than the date the enterprise was told), and the owners of cancelled "
	         "tasks are told. A CSV keeps what a stored enterprise has under every column "
	         "the file lacks; a blank cell clears its field; every changed field is "
	         "listed, before and after. An import "
	         "never removes a subject (`retire` does) and never brings a retired one "
	         "back. The first bad value is named as FILE:LINE:COLUMN (a CSV's row and "
	         "column, counted in characters); a control character in any text is refused, "
	         "as is an invisible one that reorders or hides text (U+200B, U+202E, "
	         "U+FEFF inside a value, ...). Tabs and blanks around a value are trimmed. "
	         "A CSV must be UTF-8 (\"CSV UTF-8\"): GBK and UTF-16 files are refused with that "
	         "hint; rows left empty are skipped. An .xlsx workbook is read as the CSV of its "
	         "first sheet would be (a date cell as YYYY-MM-DD; a bad cell named by its row "
	         "and column and as C5). A registry file has at most 1024 MiB (a "
	         "million enterprises with every column filled are about 150 MiB); a larger "
	         "one is imported in parts, each with the header row. "
	         "docs/registry-format.md is the reference.",
	 .opts = (const struct cli_optdoc[]){
		 {"dry-run", NULL, NULL, "say what the import would change (subjects, tasks), "
		  "change nothing"},
		 END_OPTS},
	 .exits = (const struct cli_exitdoc[]){
		 {65, "a value is bad (the message names it)"},
		 {66, "the file cannot be opened"},
		 {0, NULL}},
	 .example = "dabiao import workflows/changji-registry.yaml",
	 .file_args = true},
	{.name = "import-annex", .fn = cmd_import_annex, .flags = RW | CLI_DELIVERS,
	 .group = CLI_G_WORK,
	 .summary = "record a county's own Annex 3 or Annex 4 table (CSV or .xlsx) as its hand-in",
	 .usage = "dabiao import-annex FILE.csv|FILE.xlsx --jurisdiction J --month YYYY-MM "
	          "--by WHO [--at TIME] [--plan ID] [--sheet NAME] [--dry-run]",
	 .text = "Checks a county's own Annex 3 (汇总表) or Annex 4 (明细表), the form dabiao sent "
	         "it filled in, as the workbook (.xlsx) or saved as CSV UTF-8, and records it against the task that "
	         "hands it in (the plan's `form:` milestone for J whose table covers the month) "
	         "as one audit record (annex.report) holding its rows. The table is the county's "
	         "hand-in: a task that still waits for it (open, overdue, returned, incomplete) "
	         "is submitted with it in the same step, received at --at or now, late (迟报) "
	         "after the deadline, so no separate `submit` is needed; a task already handed "
	         "in or accepted keeps its state. The header row says which "
	         "table it is (县市、园区… or 序号…, the form's columns in the form's order); rows "
	         "above it (the title), empty rows, and the form's lines under the table (填报单位, "
	         "填报人, 填表说明), which end it, are skipped; a row with data under those lines "
	         "is refused. An old-format workbook (.xls/.et) is refused: save it as .xlsx or "
	         "\"CSV UTF-8\" first. Annex 3 holds one row, the county's, its figures whole "
	         "numbers with 基数 = 已完成清理 + 整治中 + 未启动 + 逾期未完成; Annex 4 a row per "
	         "enterprise with a valid credit code, once each, 清理措施 and 月末状态 in the "
	         "form's words, dates as date cells or as a spreadsheet set to Chinese saves them "
	         "(2017-06-30, 2017/6/30, 2017年6月30日; one that reads two ways, 7/6/2017, is "
	         "refused). The first bad row or field is "
	         "named as FILE:LINE:COLUMN (in a workbook, its row and column, and the cell) and nothing is recorded. The same file again records "
	         "nothing and names the record that holds it. A later file for the same task "
	         "replaces the earlier one in the reports (both stay in the audit trail). `report "
	         "annex3` then shows the county's base number beside dabiao's and a 核对 column "
	         "naming each figure that differs and any 瞒报/谎报/漏报 flag of the task; `report "
	         "annex4` a 核对 column per enterprise. docs/reports.md is the reference.",
	 .opts = (const struct cli_optdoc[]){
		 {"jurisdiction", "J", NULL, "the county, city or park whose table it is (its id)"},
		 {"month", "YYYY-MM", NULL, "the month the table covers, as `report annex3 --month` "
		  "takes it (June's table, due 07-05: 2017-06; a two-month Annex 4: its last month); "
		  "it must have ended, and be the period the form's title or 填表说明 states"},
		 {"by", "WHO", NULL, "who hands it in, recorded with the table"},
		 {"at", "TIME", "now", "when the table was received (the mail's arrival), as "
		  "`submit --at`: decides 迟报; never after now nor before the month ended; on a "
		  "real-clock store the entry is marked back-dated"},
		 {"plan", "ID", "the one plan with Annex 3/4 tables", "the plan"},
		 {"sheet", "NAME", "chosen", "the workbook's sheet that holds the table. Without "
		  "it: the only visible sheet that holds values (blank ones are passed over), else "
		  "the one whose name (6月, 2017年6月, 2017-06) or title states --month; none or "
		  "several is refused (65), naming the sheets; a sheet read so whose name names "
		  "another month (7月 for --month 2017-06) is refused (65) saying so: --sheet "
		  "reads it all the same"},
		 {"dry-run", NULL, NULL, "check the file and say what would be recorded, record "
		  "nothing"},
		 END_OPTS},
	 .exits = (const struct cli_exitdoc[]){
		 {64, "a required option is missing, the month is not YYYY-MM, or --jurisdiction "
		  "or --plan names nothing in the store (the message lists what there is)"},
		 {65, "a row or field is bad, no task "
		  "hands in that table for that month (the message names it), the file is "
		  "larger than 16 MiB (no county's form), or TIME is after now, before the month "
		  "ended or before the task came to its state"},
		 {66, "the file cannot be opened"},
		 {0, NULL}},
	 .example = "dabiao import-annex hutubi-2017-06.csv --jurisdiction hutubi-county "
	            "--month 2017-06 --by 王科长",
	 .file_args = true},
	{.name = "init", .fn = cmd_init, .flags = 0, .group = CLI_G_SETUP,
	 .summary = "create a store",
	 .usage = "dabiao init [--clock real|virtual] [--now TIME] [--tz ZONE]",
	 .text = "Creates an empty store at --db DIR, a new or empty folder; it is the only "
	         "command that creates one. A real-clock store follows the wall clock "
	         "(`dabiao run`); a virtual one has its own now, moved only by `advance`, to "
	         "rehearse a plan. An init that fails halfway (a full disk, 74) takes away "
	         "what it made, so running it again starts afresh.",
	 .opts = (const struct cli_optdoc[]){
		 {"clock", "real|virtual", "real", "the store's clock"},
		 {"now", "TIME", "the wall clock", "a virtual clock's first now (RFC 3339)"},
		 {"tz", "ZONE", "Asia/Shanghai", "the store's IANA zone: times without an offset "
		  "are read in it, and shown in it"},
		 END_OPTS},
	 .exits = (const struct cli_exitdoc[]){
		 {73, "a store already exists at DIR, or DIR cannot be created (its folder does "
		  "not exist: init makes DIR, not its parents), or DIR is a folder with other "
		  "files in it"},
		 {74, "the store could not be written whole (a full disk): nothing of it is "
		  "left"},
		 {77, "no permission to make DIR in its folder, or to write in DIR"},
		 {78, "the configuration is not valid, or the --config FILE does not exist"},
		 {0, NULL}},
	 .example = "dabiao --db rehearsal.db init --clock virtual --now 2017-01-01T00:00:00+08:00"},
	{.name = "load", .fn = cmd_load, .flags = RW | CLI_DELIVERS, .group = CLI_G_SETUP,
	 .summary = "store a plan (a changed file makes a new version) and expand tasks",
	 .usage = "dabiao load PLAN.yaml [--dry-run] [--allow-fewer-years]",
	 .text = "Checks the plan as `check` does, stores it (a file whose bytes changed, or "
	         "whose calendars now say something else, becomes the plan's next version) and "
	         "creates every task it gives each subject of the registry over the plan's "
	         "whole horizon, with their deadlines, reminders and escalations, in one "
	         "transaction. It warns, as `check` does, of years its calendars do not cover, "
	         "and of a calendar now read from another file than the stored version's.\n\n"
	         "A new version reaches the tasks of the one before: unfinished tasks take its "
	         "dates and reminders (the old date kept on record), tasks of a removed "
	         "milestone or period are cancelled, a milestone's renamed_from carries its "
	         "tasks over; finished tasks never change. Each change is audited and summed up "
	         "with its first lines (docs/plan-format.md, \"Plan versions\").\n\n"
	         "A new version whose calendars cover fewer years than the stored version's is "
	         "refused: typically a `load` without the configuration that names "
	         "calendars_dir, after `calendar-update` added a year from there, which would "
	         "move that year's tasks back to weekends only.",
	 .opts = (const struct cli_optdoc[]){
		 {"dry-run", NULL, NULL, "say what the load would do (tasks added, cancelled, "
		  "moved, kept, retimed, renamed), change nothing"},
		 {"allow-fewer-years", NULL, NULL, "store the version even though its calendars "
		  "cover fewer years than the stored one's (a year deliberately taken out)"},
		 END_OPTS},
	 .exits = (const struct cli_exitdoc[]){
		 {64, "its calendars would cover fewer years than the stored version's (nothing "
		  "loaded; --allow-fewer-years)"},
		 {65, "the plan is not valid, a task is in a state its new lifecycle lacks, or a "
		  "renamed_from names a milestone no version of the plan in the store had"},
		 {66, "the file cannot be opened"},
		 {0, NULL}},
	 .example = "dabiao load workflows/changji-2017.yaml --dry-run\n"
	            "dabiao load workflows/changji-2017.yaml",
	 .file_args = true},
	{.name = "outbox", .fn = cmd_outbox, .flags = RD, .group = CLI_G_WORK,
	 .summary = "list notices: queued, retrying, failed, sent",
	 .usage = "dabiao outbox [--pending|--retrying|--failed|--sent] [--format table|csv|csv-excel|json]",
	 .text = "Lists the notices, the earliest scheduled first: scheduled time, state, kind, "
	         "key, recipients, delivery attempts, each undelivered recipient's last answer, "
	         "and the roles that had no address.",
	 .opts = (const struct cli_optdoc[]){
		 {"format", "table|csv|csv-excel|json", "table", "json: an array of objects with scheduled, "
		  "state, kind, key, to (an array), attempts, answers (an array) and gaps"},
		 {"pending", NULL, NULL, "only notices still queued"},
		 {"retrying", NULL, NULL, "only notices waiting for a retry"},
		 {"failed", NULL, NULL, "only notices that failed for good"},
		 {"sent", NULL, NULL, "only notices delivered"},
		 END_OPTS},
	 .example = "dabiao outbox --failed"},
	{.name = "report", .fn = cmd_report, .flags = RD, .group = CLI_G_RECORDS,
	 .summary = "Annex 3 and Annex 4 tables, the accountability record",
	 .usage = "dabiao report annex3|annex4 --month YYYY-MM [--plan ID] "
	          "[--by jurisdiction|industry] [--format table|csv|csv-excel|json|xlsx] [--out FILE]\n"
	          "dabiao report accountability [--plan ID] [--from DATE] [--to DATE] "
	          "[--format table|csv|csv-excel|json|xlsx] [--out FILE]",
	 .text = "annex3: the monthly summary per jurisdiction (全州10个行业超标企业清理汇总表); "
	         "annex4: the detail per listed enterprise (全区10个行业超标企业清理明细表), both "
	         "as they stood at the month's end. accountability: every lapse, late "
	         "submission, flag and conduct warning with the audit record that proves it, "
	         "and counts per jurisdiction. docs/reports.md lists every column.",
	 .opts = (const struct cli_optdoc[]){
		 {"month", "YYYY-MM", NULL, "(annex3, annex4) the month the table covers (the one "
		  "handed in by the 5th of the next); a month not ended yet is computed as of now, "
		  "and the note says so. Required."},
		 {"by", "jurisdiction|industry", "jurisdiction", "(annex3) one row per jurisdiction, "
		  "or per industry (the ten industries of the table's title)"},
		 {"plan", "ID", "every plan in the store", "(annex3, annex4) the plan whose "
		  "clean-up milestone to read, needed when several plans have one; "
		  "(accountability) only plan ID's records: its tasks' lapses, submissions and "
		  "flags and its rules' warnings, signed by its issuer"},
		 {"from", "DATE", "the first record", "(accountability) from the start of DATE "
		  "(or a time)"},
		 {"to", "DATE", "the last record", "(accountability) up to the end of DATE (or a "
		  "time)"},
		 {"format", "table|csv|csv-excel|json|xlsx", "table", "csv: UTF-8 with a BOM, CRLF, values as they are, for "
		  "scripts; csv-excel: the same for Excel/WPS, a text a spreadsheet would convert (a "
		  "code of digits, leading zeros, a date) written as =\"TEXT\"; json: "
		  "an array of objects (accountability: an object of two, records and summary) "
		  "with the field names of docs/output.md; xlsx needs --out"},
		 OPT_OUT("the report"),
		 END_OPTS},
	 .exits = (const struct cli_exitdoc[]){
		 {64, "--plan names no plan in the store (the message lists the loaded ones)"},
		 {65, "no plan with a clean-up milestone, or --month has not begun"},
		 {73, "FILE cannot be created"},
		 {0, NULL}},
	 .example = "dabiao report annex3 --month 2017-07 --format xlsx --out annex3-2017-07.xlsx",
	 .subs = "annex3 annex4 accountability"},
	{.name = "retire", .fn = cmd_retire, .flags = RW | CLI_DELIVERS, .group = CLI_G_SETUP,
	 .summary = "a jurisdiction or enterprise leaves the registry; its open tasks are cancelled",
	 .usage = "dabiao retire SUBJECT --reason TEXT [--undo] [--dry-run]",
	 .text = "Marks jurisdiction or enterprise SUBJECT (its id, or an enterprise's credit "
	         "code) retired, with today's date and the reason: it gets no new task under "
	         "any plan, and its unfinished tasks are cancelled (a final state) with the "
	         "reason, each audited; finished ones and its lapses stay on record. A later "
	         "import keeps it retired. A jurisdiction whose enterprises are not all "
	         "retired is refused: move them or retire them first. With --undo a "
	         "retirement made by mistake is taken back: what it cancelled is reopened "
	         "(a task that had lapsed comes back overdue), its owners told, and the "
	         "subject gets its tasks again.",
	 .opts = (const struct cli_optdoc[]){
		 {"reason", "TEXT", NULL, "why (kept with the subject and in each cancelled "
		  "task's record). Required."},
		 {"undo", NULL, NULL, "take back the subject's retirement (audited "
		  "subject.unretire): what it cancelled is reopened"},
		 {"dry-run", NULL, NULL, "say what would be cancelled, change nothing"},
		 END_OPTS},
	 .exits = (const struct cli_exitdoc[]){
		 {64, "no SUBJECT or no --reason"},
		 {65, "no such subject, retired already (--undo: not retired, or an enterprise "
		  "of a retired jurisdiction), or a jurisdiction with enterprises"},
		 {0, NULL}},
	 .example = "dabiao retire 91652301MA74H957X2 --reason \"2017年8月关闭，已注销\""},
	{.name = "run", .fn = cmd_run, .flags = RW | CLI_REAL | CLI_SERVICE, .group = CLI_G_TIME,
	 .summary = "run the scheduler on the real clock (the daemon)",
	 .usage = "dabiao run",
	 .text = "Applies every entry when it falls due and delivers the notices, until SIGTERM "
	         "or SIGINT. Entries missed while it was down are caught up in order (a late "
	         "deadline says so; of a task's late reminders only the last goes out). SIGHUP "
	         "re-reads the configuration and the plans. Other dabiao commands may run "
	         "meanwhile; it sees their changes within a second. Logs go to standard error: "
	         "one line per action and per recipient of each notice delivered, unasked; -v "
	         "adds debug lines, -q leaves only the error it stops with.",
	 .exits = (const struct cli_exitdoc[]){
		 {64, "the store has a virtual clock"},
		 {0, NULL}},
	 .example = "dabiao --db /var/lib/dabiao/store run"},
	{.name = "simulate", .fn = cmd_simulate, .flags = 0, .group = CLI_G_TIME,
	 .summary = "print a plan's timeline from a throw-away store",
	 .usage = "dabiao simulate PLAN.yaml --registry REGISTRY... [--from TIME] [--to TIME] "
	          "[--format table|csv|csv-excel|json]",
	 .text = "Loads the plan and the registries into a temporary virtual-clock store in "
	         "$TMPDIR, advances it over the plan's horizon and prints every action as "
	         "`advance` would, then deletes the store, also when it is interrupted (Ctrl-C, "
	         "SIGTERM, SIGHUP: it then ends by that signal). Nothing else is touched; no "
	         "mail is sent.",
	 .opts = (const struct cli_optdoc[]){
		 {"registry", "REGISTRY", NULL, "a registry file (YAML, or CSV of enterprises). "
		  "Required; give it again for more, imported in the order given (a CSV after "
		  "the YAML that holds its jurisdictions)."},
		 {"from", "TIME", "the first due entry", "print from TIME on (what comes before "
		  "is applied, not printed)"},
		 {"to", "TIME", "the last due entry", "stop at TIME (not before --from)"},
		 {"format", "table|csv|csv-excel|json", "table", "the timeline as `advance --format` "
		  "writes it: text lines, or rows of at, kind, task and recipients for a script "
		  "that tests a plan (docs/output.md)"},
		 END_OPTS},
	 .exits = (const struct cli_exitdoc[]){
		 {65, "the plan or a registry is not valid"},
		 {66, "a file cannot be opened"},
		 {73, "the temporary store cannot be created"},
		 {77, "a file cannot be read: no permission"},
		 {78, "the configuration is not valid"},
		 {0, NULL}},
	 .example = "dabiao simulate workflows/changji-2017.yaml "
	            "--registry workflows/changji-registry.yaml --to 2017-03-01\n"
	            "dabiao simulate workflows/changji-2017.yaml --registry "
	            "workflows/changji-registry.yaml --registry workflows/changji-enterprises.csv",
	 .file_args = true},
	{.name = "status", .fn = cmd_status, .flags = RD, .group = CLI_G_WORK,
	 .summary = "who is late: per jurisdiction, open, due, overdue, late, to review",
	 .usage = "dabiao status [--jurisdiction ID] [--plan ID] [--lang zh|en] "
	          "[--format table|csv|csv-excel|json]",
	 .text = "What a supervision officer wants on a Monday morning, in Chinese: per "
	         "jurisdiction, by name, the tasks still open, due within seven days, overdue, "
	         "handed in late, handed in without a required section, waiting for review and "
	         "flagged; then the overdue tasks with their days overdue and the owner's "
	         "addresses, the review queue, the next deadlines, and the roles that have no "
	         "address in the registry (their notices went to the admin). Open tasks due in a "
	         "year one of their plan's calendars does not cover are noted first (with csv "
	         "and json, on standard error): their dues assume weekends only.",
	 .opts = (const struct cli_optdoc[]){
		 {"jurisdiction", "ID", "every jurisdiction", "only jurisdiction ID"},
		 OPT_PLAN("the tasks"),
		 {"lang", "zh|en", "zh", "the language of the labels"},
		 {"format", "table|csv|csv-excel|json", "table", "csv and json: five tables, jurisdictions, "
		  "overdue, review, next and gaps, with the field names of docs/output.md"},
		 END_OPTS},
	 .example = "dabiao status --jurisdiction fukang-city --lang en"},
	{.name = "submit", .fn = cmd_submit, .flags = RW | CLI_DELIVERS, .group = CLI_G_WORK,
	 .summary = "record a submission for a task",
	 .usage = "dabiao submit TASK --by WHO [--at TIME] [--file PATH] [--note TEXT] "
	          "[--sections a,b]",
	 .text = "Fires the task's submit event: open, returned or overdue becomes submitted "
	         "(late when after the deadline), or incomplete when a section the milestone "
	         "requires is missing. The file's SHA-256 is recorded; the file stays where it "
	         "is.",
	 .opts = (const struct cli_optdoc[]){
		 OPT_BY,
		 {"at", "TIME", "now", "when it was received; on a real-clock store the entry is "
		  "marked back-dated. Never after now, nor before the task existed or the step "
		  "that brought it to its state (a return, an earlier hand-in). Received before "
		  "a lapse already applied: the lapse is void (no longer counted; 补录 in the "
		  "accountability report, with both times)"},
		 {"file", "PATH", NULL, "the submitted document, whose SHA-256 is recorded: a regular "
		  "file of at most 1 GiB (never a device, a pipe or a folder)"},
		 {"note", "TEXT", NULL, "a remark kept in the audit record"},
		 {"sections", "a,b", "none", "the sections the submission holds, of those the "
		  "milestone requires: each by its id or its title, blanks around it ignored"},
		 END_OPTS},
	 .exits = (const struct cli_exitdoc[]){
		 {64, "a section in --sections the milestone does not require (the message lists "
		  "those it does); nothing is recorded"},
		 {65, "no such task, the task's state takes no submission, TIME is after now or "
		  "before the task existed or came to its state, or the file is larger than 1 GiB"},
		 {66, "the file cannot be opened, or is not a regular file"},
		 {0, NULL}},
	 .example = "dabiao submit changji-2017/roster/fukang-city/once --by 'Li Na' "
	            "--file roster.xlsx --sections key-units,enterprise-info"},
	{.name = "tasks", .fn = cmd_tasks, .flags = RD, .group = CLI_G_WORK,
	 .summary = "list tasks",
	 .usage = "dabiao tasks [--plan ID] [--subject ID] [--milestone ID] [--jurisdiction ID] "
	          "[--state S] [--format table|csv|csv-excel|json]",
	 .text = "Lists every task of the plans' horizon in key order, with a header row: key, "
	         "state, due date (after holiday shifts) and deadline. A task's key is "
	         "PLAN/MILESTONE/SUBJECT/PERIOD.",
	 .opts = (const struct cli_optdoc[]){
		 OPT_PLAN("the tasks"),
		 {"subject", "ID", "every subject", "only the tasks of jurisdiction or enterprise "
		  "ID"},
		 {"milestone", "ID", "every milestone", "only the tasks of milestone ID (also an id "
		  "only an earlier version had: a removed milestone's tasks keep it)"},
		 {"jurisdiction", "ID", "every jurisdiction", "only the tasks in jurisdiction ID "
		  "(its own and its enterprises')"},
		 {"state", "S", "every state", "only tasks in state S: one of the plans' "
		  "lifecycles (the built-in one's open, submitted, incomplete, returned, accepted, "
		  "overdue), or cancelled (a version, the registry or retire ended it) or "
		  "not-applicable (a period that ended before its subject was known)"},
		 {"format", "table|csv|csv-excel|json", "table", "csv and json have every field: key, plan, "
		  "milestone, subject, jurisdiction, period, state, due_date, deadline, "
		  "original_due_date, late, extended, previous_due_date (docs/output.md)"},
		 END_OPTS},
	 .example = "dabiao tasks --state overdue --format csv > overdue.csv"},
	{.name = "user", .fn = cmd_user, .flags = RW, .group = CLI_G_SETUP,
	 .summary = "the web's accounts: add, list, disable, passwd, token",
	 .usage = "dabiao user add LOGIN --role ROLE [--subject ID] [--name NAME] "
	          "--password-file FILE\n"
	          "dabiao user list [--format table|csv|csv-excel|json]\n"
	          "dabiao user disable LOGIN [--enable]\n"
	          "dabiao user passwd LOGIN --password-file FILE\n"
	          "dabiao user token LOGIN",
	 .text = "Accounts for `dabiao web` (docs/web.md), kept in the store. An account has one "
	         "of the plans' roles: an office role (a role without `per`) sees every task and "
	         "reviews; a per-jurisdiction role needs --subject with its jurisdiction and sees "
	         "its tasks and its enterprises'; a per-enterprise role needs --subject with the "
	         "credit code and sees its own. Passwords are read from the first line of a file "
	         "(never from the command line) and hashed with Argon2id. Five failed logins for an "
	         "account from one address lock that address out of it for 15 minutes (the web "
	         "keeps it; the owner logs in from elsewhere). `token` prints a new "
	         "bearer token for the JSON API (docs/api.md), once; the store keeps only its "
	         "hash. Every change is audited.",
	 .opts = (const struct cli_optdoc[]){
		 {"role", "ROLE", NULL, "(add) a role id of a loaded plan. Required."},
		 {"subject", "ID", NULL, "(add) the jurisdiction or enterprise of a per-subject role"},
		 {"name", "NAME", NULL, "(add) the person's name (姓名), shown on the pages and "
		  "used as the submitter's name"},
		 {"password-file", "FILE", NULL, "(add, passwd) a file whose first line is the "
		  "password, at least 8 characters and at most 1024 bytes of UTF-8 (a byte order "
		  "mark before it and a CRLF line end, as Notepad saves, are not part of it); - "
		  "reads standard input"},
		 {"enable", NULL, NULL, "(disable) enable the account again (disabling ended its "
		  "sessions and voided its API token: they stay ended)"},
		 {"format", "table|csv|csv-excel|json", "table", "(list) csv and json have every field: "
		  "login, role, subject, name, state, token, failures, locked_until, created_at "
		  "(docs/output.md)"},
		 END_OPTS},
	 .exits = (const struct cli_exitdoc[]){
		 {64, "no such role, a missing or unknown --subject, a password that is short, "
		  "longer than 1024 bytes, or not UTF-8 text"},
		 {65, "the login exists (add) or does not (the others)"},
		 {66, "the password file cannot be read"},
		 {0, NULL}},
	 .example = "dabiao user add wang --role supervision --name 王科长 --password-file wang.pw\n"
	            "dabiao user add fukang --role county_epb --subject fukang-city "
	            "--password-file fk.pw\n"
	            "dabiao user add liming --role prefecture_epb --name 李明 "
	            "--password-file liming.pw\n"
	            "dabiao user token wang\n"
	            "dabiao user list --format csv > accounts.csv",
	 .subs = "add disable list passwd token"},
	{.name = "warnings", .fn = cmd_warnings, .flags = RD, .group = CLI_G_RECORDS,
	 .summary = "conduct warnings: proposed, sent, dismissed, superseded, withdrawn",
	 .usage = "dabiao warnings [--plan ID] [--state proposed|sent|dismissed|superseded|"
	          "withdrawn] [--format table|csv|csv-excel|json]",
	 .text = "Lists the conduct warnings by number: kind, jurisdiction, state, the true "
	         "count and when the rule was evaluated; in CSV and JSON also the tasks behind "
	         "each and why each counts, who decided and why, and the lapses voided since it was "
	         "made (a hand-in recorded afterwards). A proposed warning awaits "
	         "`dabiao decide`; the candidate list names each lapse in words.",
	 .opts = (const struct cli_optdoc[]){
		 OPT_PLAN("the warnings"),
		 {"state", "proposed|sent|dismissed|superseded|withdrawn", "every state", "only "
		  "warnings in this state"},
		 {"format", "table|csv|csv-excel|json", "table", "json: an array of objects with id, plan, "
		  "kind, jurisdiction, state, count, at, tasks, whys, decided_by, reason, "
		  "superseded_by, voided (docs/output.md)"},
		 END_OPTS},
	 .example = "dabiao warnings --state proposed"},
	{.name = "web", .fn = cmd_web, .flags = RW | CLI_SERVICE, .group = CLI_G_WORK,
	 .summary = "serve the store on the web: pages, submit links, the JSON API",
	 .usage = "dabiao web [--listen HOST:PORT] [--demo-login TEXT]",
	 .text = "Serves the store to the detachment's officers, the county departments, the "
	         "enterprises and the province's systems (docs/web.md, docs/api.md), beside "
	         "`dabiao run` on the same store, until SIGINT or SIGTERM. Every action is the "
	         "same engine call as the command line's, audited as web:LOGIN or "
	         "link:ROLE/SUBJECT:NAME. The configuration's web section sets the base URL "
	         "that notices link to, the upload limit and the link lifetime.",
	 .opts = (const struct cli_optdoc[]){
		 {"listen", "HOST:PORT", "web.listen, else 127.0.0.1:8080", "the numeric address "
		  "and port to listen on ([::1]:8080 for IPv6)"},
		 {"demo-login", "TEXT", NULL, "print TEXT under the URL as the demo login "
		  "(deploy/quickstart.sh)"},
		 END_OPTS},
	 .exits = (const struct cli_exitdoc[]){
		 {64, "an address that is not HOST:PORT (a port of digits only, 0 to 65535)"},
		 {73, "the address cannot be listened on (in use, not this machine's)"},
		 {74, "the files folder or the web secret cannot be written"},
		 {0, NULL}},
	 .example = "dabiao --db /var/lib/dabiao/store web --listen 127.0.0.1:8080"},
	{.name = "workdays", .fn = cmd_workdays, .flags = RD, .group = CLI_G_SETUP,
	 .summary = "each day of a plan's calendar: worked or off, and the notice that says so",
	 .usage = "dabiao workdays --plan ID --from DATE --to DATE [--format table|csv|csv-excel|json]",
	 .text = "Lists every day from DATE to DATE (ten years at most: --to before the same "
	         "date ten years after --from) of the calendar the stored plan's current version "
	         "computes its dues with: worked or off, and what decided it: a notice of one of "
	         "the calendars it uses (the calendar, the notice's year, version, title and "
	         "文号, the holiday's name), the plan's own `holidays`/`workdays`, or the plain "
	         "week (weekday, weekend). The notice cited is the one that gave the day its "
	         "status: an amendment only for the days it changed. A day in a year a used "
	         "calendar does not cover says so.",
	 .opts = (const struct cli_optdoc[]){
		 {"plan", "ID", NULL, "the stored plan. Required."},
		 {"from", "DATE", NULL, "the first day, YYYY-MM-DD, in the years 2000-2099. "
		  "Required."},
		 {"to", "DATE", NULL, "the last day, YYYY-MM-DD, not before --from. Required."},
		 {"format", "table|csv|csv-excel|json", "table", "csv and json have every field: date, "
		  "weekday, status, decided_by, notice_year, notice_version, notice, number, "
		  "holiday, uncovered (docs/output.md)"},
		 END_OPTS},
	 .exits = (const struct cli_exitdoc[]){
		 {64, "an option is missing, or the days are not dates of 2000-2099 in order, ten "
		  "years at most, or --plan names no plan in the store (the message lists the "
		  "loaded ones)"},
		 {0, NULL}},
	 .example = "dabiao workdays --plan changji-2017 --from 2017-09-25 --to 2017-10-10"},
};
const size_t cli_ncommands = sizeof(cli_commands) / sizeof(cli_commands[0]);

const struct cli_optdoc cli_global_opts[] = {
	{"db", "DIR", "$DABIAO_DB, else ./dabiao.db", "the store folder"},
	{"config", "FILE", "$DABIAO_CONFIG, else /etc/dabiao/dabiao.yaml if it exists",
	 "the configuration: SMTP server, sender, audit key, calendars_dir "
	 "(deploy/dabiao.yaml.example); /dev/null for none. A FILE that does not exist is a "
	 "configuration error (78)"},
	{"verbose", NULL, NULL, "more log lines on standard error, one an event (MODULE: "
	 "message key=value), for every command: by default only warnings; -v adds info lines "
	 "(each action the engine commits: a reminder, a lapse, an escalation, a notice "
	 "queued, \"engine: action kind=...\"; each recipient of each notice delivered, "
	 "\"notifiers: delivered key=... to=... via=... result=...\"; the store's map "
	 "growing); -v -v adds debug lines. `run` and `web` are services and log info lines "
	 "unasked: for them -v adds debug lines. Not with -q"},
	{"quiet", NULL, NULL, "no log line on standard error, not even warnings (for every "
	 "command, `run` and `web` too). The command's own output and its error message, which are not log "
	 "lines, still print, and so do the warnings a command reports about its input "
	 "(`check`, `load`: a calendar not covering a year). Not with -v"},
	{"help", NULL, NULL, "the list of commands (dabiao help)"},
	{"version", NULL, NULL, "print the version"},
	END_OPTS,
};

const struct cli_optdoc cli_environment[] = {
	{"DABIAO_DB", NULL, NULL, "the store folder when --db is not given"},
	{"DABIAO_CONFIG", NULL, NULL, "the configuration file when --config is not given"},
	{"DABIAO_SMTP", NULL, NULL, "smtp://host:port (or smtp+starttls://): an SMTP server, "
	 "over the configuration's"},
	{"DABIAO_AUDIT_KEY", NULL, NULL, "the PEM Ed25519 private key that signs checkpoints"},
	{"DABIAO_AUDIT_ORIGIN", NULL, NULL, "the audit log's name in checkpoints (default "
	 "dabiao/HOSTNAME)"},
	{"DABIAO_TEMPLATES", NULL, NULL, "the folder of the built-in notice templates"},
	{"DABIAO_STORE_MAPSIZE", NULL, NULL, "the store's initial map size in bytes (it grows "
	 "when full)"},
	{"TMPDIR", NULL, NULL, "where `simulate` makes its throw-away store (default /tmp)"},
	{"USER", NULL, NULL, "who ran the command, in audit records"},
	END_OPTS,
};

/* sysexits.h, as base/err.h maps our errors onto it. */
const struct cli_exitdoc cli_exit_statuses[] = {
	{64, "usage: a wrong command, option or argument, or an option given twice (only an "
	 "option whose text says \"give it again\" repeats)"},
	{65, "bad data: an invalid plan, registry or value, an event the state does not allow, "
	 "something not found, a failed audit verification"},
	{66, "no input: a file or the store does not exist"},
	{70, "internal error"},
	{73, "cannot create: an output file, a folder, a store that exists already"},
	{74, "I/O error: reading or writing a file or the store failed"},
	{75, "temporary failure (an SMTP server's 4xx reply): try again"},
	{77, "permission denied"},
	{78, "configuration error: a bad configuration file, or no audit key"},
	{0, NULL},
};

const struct cli_command *
cli_command_find(const char *name)
{
	for (size_t i = 0; i < cli_ncommands; i++)
		if (strcmp(cli_commands[i].name, name) == 0)
			return &cli_commands[i];
	return NULL;
}

/* The command's failure, printed once: a usage error with the command's usage lines. */
static int
report_failure(const struct cli_command *cmd, const struct dberr *e, int rc)
{
	if (rc == DB_EUSAGE || e->code == DB_EUSAGE) {
		fprintf(stderr, "dabiao %s: %s\n", cmd->name,
		        e->msg[0] ? e->msg : dabiao_strerror(DB_EUSAGE));
		fprintf(stderr, "usage: ");
		for (const char *p = cmd->usage; *p; p++) {
			fputc(*p, stderr);
			if (*p == '\n')
				fputs("       ", stderr);
		}
		fprintf(stderr, "\n(dabiao help %s describes every option)\n", cmd->name);
		return 64;
	}
	/* a write to standard output failed because its reader left: not worth a word */
	if ((e->code == DB_EIO || e->code == -EIO || e->code == -EPIPE) && cli_stdout_gone())
		return CLI_EXIT_PIPE;
	dberr_print(e, stderr);
	return dberr_exit_status(e->code ? e->code : rc);
}

int
cli_run(const struct cli_env *env, int argc, char **argv)
{
	const struct cli_command *cmd;
	struct cli c;
	int rc, status;

	if (argc < 1) {
		cli_print_usage(stderr);
		return 64;
	}
	cmd = cli_command_find(argv[0]);
	if (cmd == NULL) {
		/* what was typed, cut and with no control character reaching the terminal */
		char clip[UTF8_CLIP_BUF];
		struct buf b = BUF_INIT;

		report_terminal_text(&b, utf8_clip(argv[0], clip), false);
		fprintf(stderr, "dabiao: error: unknown command '%s' (dabiao help lists them)\n",
		        buf_str(&b));
		buf_release(&b);
		return 64;
	}
	for (int k = 1; k < argc; k++) {
		if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
			cli_help_command(cmd, stdout);
			return cli_finish_output(0);
		}
		if (strcmp(argv[k], "--") == 0)
			break;
	}
	memset(&c, 0, sizeof(c));
	c.name = cmd->name;
	c.cmd = cmd;
	c.argc = argc - 1;
	c.argv = argv + 1;
	c.env = env;
	c.flags = cmd->flags;
	c.log_level = cli_log_level(cmd->flags, env->verbosity);
	rc = cmd->fn(&c);
	/* what a writing command queued goes out after its commit, unless a daemon serves the
	 * store (as the web does): its sender claims it within a second, and the command would
	 * otherwise deliver the daemon's whole backlog itself (a `submit` during a burst of
	 * 5,000 overdue notices took 14 s, writing 1,550 of their .eml files) */
	if (rc == 0 && (cmd->flags & CLI_DELIVERS) && c.en != NULL &&
	    !daemon_serving(store_dir(engine_store(c.en))))
		rc = deliver_all(c.en, NULL, &c.err);
	if (rc < 0)
		status = report_failure(cmd, &c.err, rc);
	else
		status = rc;
	engine_close(c.en);
	if (c.store)
		store_close(c.store);
	if (c.config) {
		config_release(c.config);
		free(c.config);
	}
	return status == CLI_EXIT_PIPE ? status : cli_finish_output(status);
}

bool
cli_stdout_gone(void)
{
	struct pollfd p = {.fd = STDOUT_FILENO, .events = POLLOUT};

	/* Linux reports POLLERR on a pipe's write end once no reader is left, POLLHUP on a
	 * socket shut down; a file or a terminal is never "gone" */
	return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP)) != 0;
}

int
cli_finish_output(int status)
{
	int err;

	if (fflush(stdout) == 0 && !ferror(stdout))
		return status;
	err = errno;
	if (status != 0)
		return status;   /* the command's own failure, reported already, comes first */
	/* A reader that went away (`dabiao report accountability | head`) is not an error of
	 * ours: end quietly, as standard tools do. */
	if (err == EPIPE || cli_stdout_gone())
		return CLI_EXIT_PIPE;
	fprintf(stderr, "dabiao: error: cannot write standard output: %s\n", strerror(err));
	return 74;
}
