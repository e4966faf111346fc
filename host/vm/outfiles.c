// SPDX-License-Identifier: GPL-2.0
/*
 * The output-file sink: FILE frames carry chunks of the files a job left
 * in $KTSTR_OUTPUT_DIR. Name and offset come from the guest: only plain
 * names, never through a symlink, and a bound on the total.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "vm/internal.h"

#define MAX_OUTPUT_BYTES	(256ull << 20)

/* A plain file name the guest may create in --output-dir. */
static bool safe_name(const char *n)
{
	size_t len = strlen(n);

	if (!len || len > 200 || !strcmp(n, ".") || !strcmp(n, ".."))
		return false;
	for (const char *c = n; *c; c++)
		if (*c == '/' || (unsigned char)*c < 0x20 || *c == 0x7f)
			return false;
	return true;
}

void outfiles_on_frame(struct vm *v, const struct wire_frame *f)
{
	const uint8_t *val, *data = NULL;
	char name[256] = "", path[4400];
	uint16_t tag, n, dlen = 0;
	uint32_t off = UINT32_MAX;
	size_t pos = 0;
	int fd;

	while (wire_tlv_next(f->payload, f->len, &pos, &tag, &val, &n) > 0) {
		if (tag == KTSTR_TLV_FILE_NAME)
			wire_tlv_str(val, n, name, sizeof(name));
		else if (tag == KTSTR_TLV_FILE_OFFSET)
			wire_tlv_u32(val, n, &off);
		else if (tag == KTSTR_TLV_FILE_DATA) {
			data = val;
			dlen = n;
		}
	}
	if (!v->o->output_dir || off == UINT32_MAX)
		return;
	if (!safe_name(name) || v->output_bytes + dlen > MAX_OUTPUT_BYTES) {
		if (!v->output_refused++)
			errmsg("guest: refused an output file (bad name or over %llu MiB in all)",
			       MAX_OUTPUT_BYTES >> 20);
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", v->o->output_dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
		  (off ? 0 : O_TRUNC), 0644);
	if (fd < 0)
		return;
	if (dlen && pwrite(fd, data, dlen, off) == dlen)
		v->output_bytes += dlen;
	close(fd);
}
