/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small files: sysfs, procfs and cgroupfs knobs read into a buffer or
 * written in one go, and whole files read up to a size. One copy for the
 * selftests, the scenario library, the guest agent and the host.
 */
#ifndef KTSTR_SELFTESTS_LIB_FILE_H
#define KTSTR_SELFTESTS_LIB_FILE_H

#include <stddef.h>

/*
 * Read @path into @buf (at most @len - 1 bytes), NUL-terminated, with
 * trailing whitespace stripped. 0, or -1 with errno set and @buf empty.
 */
int read_file_str(const char *path, char *buf, size_t len);

/*
 * Write @val to the existing file @path in one write(2), as sysfs and
 * cgroupfs expect. 0, or -1 with errno set (EIO for a short write).
 */
int write_file_str(const char *path, const char *val);

/*
 * Read a whole file into a NUL-terminated malloc'd buffer, *@len_out its
 * length. Reads up to @max bytes, or the first 4 KiB if @max is smaller;
 * the rest of a longer file is left unread. NULL with errno set.
 */
char *read_file(const char *path, size_t max, size_t *len_out);

#endif
