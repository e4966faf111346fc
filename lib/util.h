/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by the host CLI and the guest agent.
 */
#ifndef KTSTR_LIB_UTIL_H
#define KTSTR_LIB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* read_file() and the small-file helpers: one copy, in the selftests. */
#include "../selftests/lib/file.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* Program name used as the prefix of every diagnostic line. */
extern const char *ktstr_prog;

/* Print "prog: message\n" to stderr. */
void errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Write all of @len bytes, retrying on EINTR and short writes. */
int write_all(int fd, const void *buf, size_t len);
/* Write @len bytes to @path, creating or truncating it. */
int write_file(const char *path, const void *data, size_t len, mode_t mode);
/* mkdir -p */
int mkdir_p(const char *path, mode_t mode);
/* rm -rf that never follows symlinks out of @path. */
int remove_tree(const char *path);
/* Monotonic clock in nanoseconds. */
uint64_t now_ns(void);
/* Trim trailing whitespace in place. */
void rstrip(char *s);
/*
 * Replace every byte outside printable ASCII with '?', in place: text
 * from a guest reaches terminals and JSON (which must be UTF-8).
 */
void printable_ascii(char *s);

#endif
