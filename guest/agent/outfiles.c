// SPDX-License-Identifier: GPL-2.0
/*
 * Files a job leaves in $KTSTR_OUTPUT_DIR (reports, logs) go back to the
 * host in FILE frames, chunk by chunk, after the job.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent.h"
#include "util.h"

#define CHUNK		32768
#define MAX_FILE	(64u << 20)	/* bytes sent per file at most */

static void send_file(struct port *p, const char *dir, const char *name)
{
	static uint8_t data[CHUNK], frame[CHUNK + 512];
	char path[512];
	uint32_t off = 0;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	for (;;) {
		ssize_t n = read(fd, data, sizeof(data));
		size_t len = 0;

		if (n < 0 || (n == 0 && off))
			break;
		wire_tlv_put_str(frame, sizeof(frame), &len,
				 KTSTR_TLV_FILE_NAME, name);
		wire_tlv_put_u32(frame, sizeof(frame), &len,
				 KTSTR_TLV_FILE_OFFSET, off);
		wire_tlv_put(frame, sizeof(frame), &len, KTSTR_TLV_FILE_DATA,
			     data, (size_t)n);
		port_send(p, KTSTR_MSG_FILE, frame, len);
		off += (uint32_t)n;
		if (n == 0 || off >= MAX_FILE)
			break;
	}
	close(fd);
}

void outfiles_send(struct port *p, const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);

	if (!d)
		return;
	while ((e = readdir(d))) {
		struct stat st;
		char path[512];

		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_name[0] == '.' || lstat(path, &st) ||
		    !S_ISREG(st.st_mode))
			continue;
		send_file(p, dir, e->d_name);
	}
	closedir(d);
}
