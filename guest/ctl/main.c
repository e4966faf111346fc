// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-ctl: validated access to kernel scheduler state through
 * /dev/ktstr (see uapi/linux/ktstr.h).
 *
 *   ktstr-ctl info
 *   ktstr-ctl read symbol NAME
 *   ktstr-ctl read percpu FIELD --cpu N
 *   ktstr-ctl read task PID FIELD [--start-time NS]
 *   ktstr-ctl write task PID START_NS FIELD VALUE
 *   ktstr-ctl write symbol NAME VALUE
 *   ktstr-ctl snapshot
 *   ktstr-ctl capture [--sync] TAG
 *   ktstr-ctl load [KO]
 */
#include <errno.h>
#include <popt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "kmod_load.h"
#include "ktstr_dev.h"

#define DEFAULT_KO "/lib/modules/ktstr.ko"

void ctl_usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("ktstr-ctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("; see 'ktstr-ctl --help'\n", stderr);
}

bool ctl_parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	*out = strtoull(s, &end, 0);
	return !errno && !*end;
}

int ctl_refused(const struct ctl_opts *o, const char *what,
		const struct ktstr_hdr *h)
{
	int layer = ktstr_reason_layer(h->reason);

	if (h->reason == KTSTR_OK) {
		/* Refused before the module looked at it (ENOTTY, EPERM...). */
		if (o->json)
			printf("{\"ok\":false,\"request\":\"%s\",\"reason\":\"errno\",\"layer\":0,\"message\":\"%s\",\"errno\":%d}\n",
			       what, strerror(errno), errno);
		else
			fprintf(stderr, "ktstr-ctl: %s failed: %s%s\n", what,
				strerror(errno), errno == ENOTTY ?
				" (is the loaded ktstr.ko built from this tree?)" :
				"");
	} else if (o->json) {
		printf("{\"ok\":false,\"request\":\"%s\",\"reason\":\"%s\",\"layer\":%d,\"message\":\"%s\",\"errno\":%d}\n",
		       what, ktstr_reason_name(h->reason), layer,
		       ktstr_reason_text(h->reason), errno);
	} else if (layer) {
		fprintf(stderr,
			"ktstr-ctl: %s refused at validation layer %d (%s): %s\n",
			what, layer, ktstr_reason_name(h->reason),
			ktstr_reason_text(h->reason));
	} else {
		fprintf(stderr, "ktstr-ctl: %s refused (%s): %s (%s)\n", what,
			ktstr_reason_name(h->reason),
			ktstr_reason_text(h->reason), strerror(errno));
	}
	return CTL_EXIT_REFUSED;
}

static int load(const char *ko)
{
	char err[512];

	if (ktstr_kmod_load(ko ? ko : DEFAULT_KO, err, sizeof(err))) {
		fprintf(stderr, "ktstr-ctl: %s\n", err);
		return CTL_EXIT_REFUSED;
	}
	return 0;
}

static int dispatch(const struct ctl_opts *o, const char **args, int n)
{
	const char *cmd = args[0];
	int fd, r;

	if (!strcmp(cmd, "load"))
		return n <= 2 ? load(n == 2 ? args[1] : NULL) :
		       (ctl_usage_error("load takes at most one path"),
			CTL_EXIT_USAGE);
	fd = ktstr_open();
	if (fd < 0) {
		fprintf(stderr,
			"ktstr-ctl: cannot open " KTSTR_DEVICE ": %s; load the module with 'ktstr-ctl load' (as root)\n",
			strerror(errno));
		return CTL_EXIT_REFUSED;
	}
	if (!strcmp(cmd, "info") && n == 1)
		r = ctl_info(fd, o);
	else if (!strcmp(cmd, "read"))
		r = ctl_read(fd, o, args + 1, n - 1);
	else if (!strcmp(cmd, "write"))
		r = ctl_write(fd, o, args + 1, n - 1);
	else if (!strcmp(cmd, "snapshot") && n == 1)
		r = ctl_snapshot(fd, o);
	else if (!strcmp(cmd, "capture") && n == 2)
		r = ctl_capture(fd, o, args[1]);
	else {
		ctl_usage_error("unknown command or wrong arguments: \"%s\"", cmd);
		r = CTL_EXIT_USAGE;
	}
	close(fd);
	return r;
}

int main(int argc, const char **argv)
{
	struct ctl_opts o = { .cpu = -1 };
	char *start = NULL;
	struct poptOption table[] = {
		{ "json", 'j', POPT_ARG_NONE, NULL, 'j',
		  "print JSON for tools", NULL },
		{ "cpu", 'c', POPT_ARG_INT, &o.cpu, 0,
		  "CPU of a per-CPU read", "N" },
		{ "start-time", 's', POPT_ARG_STRING, &start, 0,
		  "task identity: its start_time in ns (default: looked up)",
		  "NS" },
		{ "sync", 0, POPT_ARG_NONE, NULL, 'S',
		  "capture with every CPU parked, so the host sees exactly this moment",
		  NULL },
		{ "width", 'w', POPT_ARG_INT, &o.width, 0,
		  "bytes to read or write: 1, 2, 4 or 8 (default: the field's)",
		  "N" },
		POPT_AUTOHELP
		POPT_TABLEEND
	};
	poptContext pc = poptGetContext("ktstr-ctl", argc, argv, table, 0);
	const char *args[8];
	int opt, n = 0, r;

	poptSetOtherOptionHelp(pc,
		"[--json] info | read symbol NAME | read percpu FIELD --cpu N | read task PID FIELD [--start-time NS] | write task PID START_NS FIELD VALUE | write symbol NAME VALUE | snapshot | capture [--sync] TAG | load [KO]");
	while ((opt = poptGetNextOpt(pc)) > 0) {
		if (opt == 'j')
			o.json = true;
		else if (opt == 'S')
			o.sync = true;
	}
	if (opt < -1) {
		ctl_usage_error("%s: %s", poptBadOption(pc, 0),
				poptStrerror(opt));
		return CTL_EXIT_USAGE;
	}
	while (n < 8 && (args[n] = poptGetArg(pc)))
		n++;
	if (!n || poptPeekArg(pc)) {
		ctl_usage_error(n ? "too many arguments" : "no command given");
		return CTL_EXIT_USAGE;
	}
	if (start) {
		if (!ctl_parse_u64(start, &o.start_time)) {
			ctl_usage_error("bad --start-time \"%s\": expected nanoseconds",
					start);
			return CTL_EXIT_USAGE;
		}
		o.have_start_time = true;
	}
	if (o.width && o.width != 1 && o.width != 2 && o.width != 4 &&
	    o.width != 8) {
		ctl_usage_error("bad --width %d: expected 1, 2, 4 or 8",
				o.width);
		return CTL_EXIT_USAGE;
	}
	r = dispatch(&o, args, n);
	poptFreeContext(pc);
	return r;
}
