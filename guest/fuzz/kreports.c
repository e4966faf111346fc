// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kreports.h"

#define KMEMLEAK	"/sys/kernel/debug/kmemleak"

const char *const kreport_names[KREP_NR] = {
#define KREP_NAME(id, name) [id] = name,
	KREPORT_KINDS(KREP_NAME)
#undef KREP_NAME
};

/* Matched in order: lockdep's lines start with "WARNING:" too. */
static const struct {
	const char *text;
	bool prefix;	/* at the start of the line, else anywhere */
	enum kreport_kind kind;
} marks[] = {
	{ "BUG: KASAN:", true, KREP_KASAN },
	{ "BUG: KFENCE:", true, KREP_KFENCE },
	{ "UBSAN:", true, KREP_UBSAN },
	{ "list_add corruption", false, KREP_LIST },
	{ "list_del corruption", false, KREP_LIST },
	{ "list_add double add", false, KREP_LIST },
	{ "BUG: sleeping function called from invalid context", true,
	  KREP_ATOMIC_SLEEP },
	{ "BUG: scheduling while atomic", true, KREP_ATOMIC_SLEEP },
	{ "ODEBUG:", true, KREP_DEBUG_OBJECTS },
	{ "WARNING: possible circular locking dependency", true, KREP_LOCKDEP },
	{ "WARNING: possible recursive locking", true, KREP_LOCKDEP },
	{ "WARNING: inconsistent lock state", true, KREP_LOCKDEP },
	{ "WARNING: possible irq lock inversion", true, KREP_LOCKDEP },
	{ "WARNING: suspicious RCU usage", true, KREP_LOCKDEP },
	{ "WARNING: bad unlock balance", true, KREP_LOCKDEP },
	{ "WARNING: lock held when returning to user space", true,
	  KREP_LOCKDEP },
	{ "WARNING: held lock freed", true, KREP_LOCKDEP },
	{ "DEBUG_LOCKS_WARN_ON", false, KREP_LOCKDEP },
	{ "WARNING:", true, KREP_WARNING },
	{ "BUG:", true, KREP_OOPS },
	{ "kernel BUG at", true, KREP_OOPS },
	{ "Oops:", true, KREP_OOPS },
	{ "general protection fault", true, KREP_OOPS },
	{ "Kernel panic", true, KREP_OOPS },
};

int kreport_classify(const char *text)
{
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		bool hit = marks[i].prefix ?
			   !strncmp(text, marks[i].text, strlen(marks[i].text)) :
			   strstr(text, marks[i].text) != NULL;

		if (hit)
			return (int)marks[i].kind;
	}
	return -1;
}

void kreports_add(struct kreports *r, int kind, const char *text)
{
	if (kind < 0 || kind >= KREP_NR)
		return;
	if (!r->n[kind]++)
		snprintf(r->first[kind], sizeof(r->first[kind]), "%s", text);
}

unsigned int kreports_total(const struct kreports *r)
{
	unsigned int n = 0;

	for (int i = 0; i < KREP_NR; i++)
		n += r->n[i];
	return n;
}

/* "prio,seq,usec,flags;text\n KEY=value...": the sequence and the text. */
static int parse_record(char *rec, unsigned long long *seq, char **text)
{
	char *semi = strchr(rec, ';'), *nl;

	if (!semi || sscanf(rec, "%*u,%llu,", seq) != 1)
		return -1;
	*text = semi + 1;
	nl = strchr(*text, '\n');
	if (nl)
		*nl = '\0';
	return 0;
}

int kreports_scan_kmsg(struct kreports *r, unsigned long long *seq)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	char rec[8192];

	if (fd < 0)
		return -1;
	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		unsigned long long s;
		char *text;

		if (n < 0 && errno == EPIPE)	/* overwritten: go on */
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		if (parse_record(rec, &s, &text) || s < *seq)
			continue;
		*seq = s + 1;
		kreports_add(r, kreport_classify(text), text);
	}
	close(fd);
	return 0;
}

static int kmemleak_cmd(const char *cmd)
{
	int fd = open(KMEMLEAK, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, cmd, strlen(cmd));
	close(fd);
	return n == (ssize_t)strlen(cmd) ? 0 : -1;
}

int kreports_kmemleak_clear(void)
{
	return kmemleak_cmd("clear");
}

int kreports_kmemleak(const char *module, unsigned int *all,
		      unsigned int *ours, char *first, size_t firstlen)
{
	char line[512], obj[KREP_FIRST_LEN] = "";
	bool in = false, mine = false;
	FILE *f;

	*all = *ours = 0;
	if (first && firstlen)
		first[0] = '\0';
	if (kmemleak_cmd("scan"))
		return -1;
	f = fopen(KMEMLEAK, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "unreferenced object", 19)) {
			if (in && mine)
				(*ours)++;
			in = true;
			mine = false;
			(*all)++;
			snprintf(obj, sizeof(obj), "%.*s",
				 (int)strcspn(line, "\n"), line);
			continue;
		}
		if (in && strstr(line, module)) {
			if (!mine && first && firstlen && !first[0])
				snprintf(first, firstlen, "%s", obj);
			mine = true;
		}
	}
	if (in && mine)
		(*ours)++;
	fclose(f);
	return 0;
}
