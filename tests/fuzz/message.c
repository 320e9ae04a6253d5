/* messages: every field of a notice from the input (split at NUL bytes), built into MIME;
 * what is built must be CRLF-only with no bare CR or LF, and no header line may carry a
 * value that was refused. */
#include "fuzz.h"
#include "notifiers/message.h"

#define NFIELDS 9

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *f[NFIELDS], *out = NULL;
	const char *to[2];
	struct notify_header h[1];
	struct notify_attachment att[1];
	struct notify_msg m = {0};
	size_t n = 0, outlen = 0;
	struct dberr e;

	memcpy(copy, data, size);
	copy[size] = '\0';
	f[n++] = copy;
	for (size_t i = 0; i < size && n < NFIELDS; i++)
		if (copy[i] == '\0')
			f[n++] = copy + i + 1;
	while (n < NFIELDS)
		f[n++] = "x@y.example";
	to[0] = f[1];
	to[1] = "a@b.example";
	h[0] = (struct notify_header){"X-Dabiao-Task", f[6]};
	att[0] = (struct notify_attachment){f[7], "text/csv", f[8], strlen(f[8])};
	m.from_name = f[0];
	m.from_addr = "dabiao@x.example";
	m.to = to;
	m.nto = 2;
	m.date = "Mon, 3 Jul 2017 09:00:00 +0800";
	m.message_id = "<fuzz@dabiao.example>";
	m.subject = f[2];
	m.body = f[3];
	m.headers = h;
	m.nheaders = 1;
	m.attachments = strlen(f[4]) % 2 ? att : NULL;
	m.nattachments = m.attachments ? 1 : 0;
	dberr_clear(&e);
	if (notify_msg_build(&m, &out, &outlen, &e) == 0) {
		for (size_t i = 0; i < outlen; i++) {
			if (out[i] == '\r' && (i + 1 == outlen || out[i + 1] != '\n'))
				abort(); /* a bare CR */
			if (out[i] == '\n' && (i == 0 || out[i - 1] != '\r'))
				abort(); /* a bare LF: header injection or a broken body */
		}
		free(out);
	}
	free(copy);
	return 0;
}
