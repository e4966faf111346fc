// SPDX-License-Identifier: GPL-2.0
/*
 * ktstr-kmod-fuzz [--seconds N] [--workers N] [--seed N] [--reload N --ko PATH]
 *
 * Fuzz /dev/ktstr for N seconds (fuzz.h), and/or unload and reload the
 * module N times; then count what the debug kernel's checkers reported
 * meanwhile (kreports.h). Prints one line per figure, "kmod-fuzz: ...",
 * and exits 0 only if no checker reported anything, no request hung and
 * every reload worked.
 */
#include <errno.h>
#include <fcntl.h>
#include <popt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"
#include "kmod_load.h"
#include "kreports.h"
#include "sched_ext_policy.h"
#include "ktstr_dev.h"

#define MAX_WORKERS	32
#define STOP_GRACE_S	10	/* a worker still in the module after this hung */

static void nothing(int sig)
{
	(void)sig;
}

/* Interruptible waits must see EINTR: no SA_RESTART. */
static void catch_usr1(void)
{
	struct sigaction sa = { .sa_handler = nothing };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

static void worker(struct fuzz_shared *sh, uint64_t seed)
{
	struct fuzz_rng r = { seed };
	int fd = ktstr_open();

	if (fd < 0)
		_exit(2);
	catch_usr1();
	while (!atomic_load(&sh->stop))
		fuzz_act(sh, &r, &fd, fuzz_pick(&r));
	close(fd);
	_exit(0);
}

#define SLEEPERS	4

static void publish(struct fuzz_shared *sh, pid_t pid)
{
	atomic_store(&sh->pids[atomic_fetch_add(&sh->pid_next, 1) % FUZZ_PIDS],
		     (unsigned int)pid);
	atomic_fetch_add(&sh->forks, 1);
}

/*
 * The targets of task reads and writes: tasks that exist for an instant,
 * and sleepers (the only tasks a write may change) killed at random, so
 * that writes race with their exit.
 */
static void forker(struct fuzz_shared *sh, uint64_t seed)
{
	struct fuzz_rng r = { seed };
	pid_t sleepers[SLEEPERS] = { 0 };

	while (!atomic_load(&sh->stop)) {
		unsigned int spin = fuzz_below(&r, 3), k = fuzz_below(&r, 64);
		pid_t pid;

		if (k < SLEEPERS && sleepers[k] > 0)
			kill(sleepers[k], SIGKILL);
		if (k < SLEEPERS || (k < 2 * SLEEPERS && !sleepers[k - SLEEPERS])) {
			unsigned int i = k % SLEEPERS;

			pid = fork();
			if (pid == 0) {
				struct sched_param sp = { 0 };

				/* Writes take only SCHED_EXT tasks. */
				sched_setscheduler(0, SCHED_EXT, &sp);
				for (;;)
					usleep(300);
			}
			sleepers[i] = pid > 0 ? pid : 0;
			if (pid > 0)
				publish(sh, pid);
			continue;
		}
		pid = fork();
		if (pid == 0) {
			for (volatile unsigned int i = 0; i < spin * 200000; i++)
				;
			_exit(0);
		}
		if (pid > 0)
			publish(sh, pid);
		/* Reap some later: a zombie is a task state to be read too. */
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
	}
	for (int i = 0; i < SLEEPERS; i++)
		if (sleepers[i] > 0)
			kill(sleepers[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	_exit(0);
}

static void signaller(struct fuzz_shared *sh, const pid_t *w, int n,
		      uint64_t seed)
{
	struct fuzz_rng r = { seed };

	while (!atomic_load(&sh->stop)) {
		struct timespec ts = { 0, 1000000 + (long)fuzz_below(&r, 2000000) };

		nanosleep(&ts, NULL);
		if (!kill(w[fuzz_below(&r, (unsigned int)n)], SIGUSR1))
			atomic_fetch_add(&sh->signals, 1);
	}
	_exit(0);
}

static pid_t spawn(void (*fn)(struct fuzz_shared *, uint64_t),
		   struct fuzz_shared *sh, uint64_t seed)
{
	pid_t pid = fork();

	if (pid == 0)
		fn(sh, seed);
	return pid;
}

/* What a process stuck in the kernel is doing: /proc/PID/stack. */
static void say_stuck(pid_t pid)
{
	char path[64], stack[2048];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stack", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, stack, sizeof(stack) - 1) : -1;
	if (fd >= 0)
		close(fd);
	stack[n > 0 ? n : 0] = '\0';
	printf("kmod-fuzz: HUNG: process %d did not stop within %d s; its kernel stack:\n%s\n",
	       pid, STOP_GRACE_S, stack);
}

/* Stop every child; the number that would not stop. */
static int stop_all(struct fuzz_shared *sh, pid_t *pids, int n)
{
	time_t deadline = time(NULL) + STOP_GRACE_S;
	int left = n, hung = 0;

	atomic_store(&sh->stop, true);
	while (left > 0 && time(NULL) < deadline) {
		for (int i = 0; i < n; i++) {
			if (pids[i] > 0 && waitpid(pids[i], NULL, WNOHANG) == pids[i]) {
				pids[i] = 0;
				left--;
			}
		}
		usleep(20000);
	}
	for (int i = 0; i < n; i++) {
		if (pids[i] <= 0)
			continue;
		say_stuck(pids[i]);
		hung++;
		kill(pids[i], SIGKILL);
		waitpid(pids[i], NULL, 0);
	}
	return hung;
}

static int fuzz(struct fuzz_shared *sh, int seconds, int workers,
		uint64_t seed)
{
	pid_t pids[MAX_WORKERS + 2];
	struct timespec ts = { 1, 0 };
	int n = 0;

	sh->nr_cpus = (unsigned int)sysconf(_SC_NPROCESSORS_CONF);
	for (int i = 0; i < workers; i++)
		pids[n++] = spawn(worker, sh, seed + (uint64_t)i * 7919);
	pids[n++] = spawn(forker, sh, seed ^ 0xf0f0);
	{
		pid_t s = fork();

		if (s == 0)
			signaller(sh, pids, workers, seed ^ 0x5151);
		pids[n++] = s;
	}
	for (int t = 0; t < seconds; t++)
		nanosleep(&ts, NULL);
	return stop_all(sh, pids, n);
}

/* One cycle: load, use every plain request once, unload. */
static int reload_once(const char *ko, char *err, size_t errlen)
{
	struct ktstr_snapshot *snap = calloc(1, sizeof(*snap));
	struct ktstr_access acc;
	struct ktstr_info info;
	int fd, r = -1;

	if (!snap || ktstr_kmod_load(ko, err, errlen))
		goto out;
	fd = ktstr_open();
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s after loading: %s",
			 KTSTR_DEVICE, strerror(errno));
		goto out;
	}
	ktstr_hdr_init(&info, sizeof(info));
	ktstr_access_init(&acc, KTSTR_TARGET_SYMBOL, "jiffies_64", 8);
	ktstr_hdr_init(snap, sizeof(*snap));
	if (ktstr_ioctl(fd, KTSTR_IOC_INFO, &info) ||
	    ktstr_ioctl(fd, KTSTR_IOC_READ, &acc) ||
	    ktstr_ioctl(fd, KTSTR_IOC_SNAPSHOT, snap)) {
		snprintf(err, errlen, "a request failed after loading: %s",
			 strerror(errno));
		close(fd);
		goto out;
	}
	close(fd);
	r = ktstr_kmod_unload(err, errlen);
out:
	free(snap);
	return r;
}

static void print_counts(const struct fuzz_shared *sh)
{
	unsigned long total = 0;

	for (int a = 0; a < FA_NR; a++) {
		unsigned long n = 0;

		for (int o = 0; o < FO_NR; o++)
			n += atomic_load(&sh->count[a][o]);
		total += n;
		printf("kmod-fuzz: %-20s %9lu", fuzz_action_names[a], n);
		for (int o = 0; o < FO_NR; o++)
			printf("  %s %lu", fuzz_outcome_names[o],
			       atomic_load(&sh->count[a][o]));
		printf("\n");
	}
	printf("kmod-fuzz: requests %lu, short-lived tasks %lu, signals %lu\n",
	       total, atomic_load(&sh->forks), atomic_load(&sh->signals));
	printf("kmod-fuzz: refusals by reason:");
	for (unsigned int i = 0; i < 64 && i < KTSTR_REASON_MAX; i++)
		if (atomic_load(&sh->reasons[i]))
			printf(" %s %lu", ktstr_reason_name(i),
			       atomic_load(&sh->reasons[i]));
	printf("\n");
}

int main(int argc, const char **argv)
{
	int seconds = 0, workers = 4, reloads = 0, hung = 0, failed = 0;
	long long seed = -1;
	char *ko = NULL, err[512], first[KREP_FIRST_LEN];
	struct poptOption table[] = {
		{ "seconds", 's', POPT_ARG_INT, &seconds, 0,
		  "fuzz /dev/ktstr this long", "N" },
		{ "workers", 'w', POPT_ARG_INT, &workers, 0,
		  "processes issuing requests (default 4)", "N" },
		{ "seed", 0, POPT_ARG_LONGLONG, &seed, 0,
		  "random seed (default: from the clock; printed)", "N" },
		{ "reload", 'r', POPT_ARG_INT, &reloads, 0,
		  "unload and reload the module this many times first (needs --ko)",
		  "N" },
		{ "ko", 0, POPT_ARG_STRING, &ko, 0,
		  "the module to load for --reload (and for the fuzz if not loaded)",
		  "PATH" },
		POPT_AUTOHELP
		POPT_TABLEEND
	};
	poptContext pc = poptGetContext("ktstr-kmod-fuzz", argc, argv, table, 0);
	struct kreports rep, boot;
	unsigned long long seq = 0;
	unsigned int leaks = 0, ours = 0;
	struct fuzz_shared *sh;
	int opt, kml;

	memset(&rep, 0, sizeof(rep));
	memset(&boot, 0, sizeof(boot));
	while ((opt = poptGetNextOpt(pc)) > 0)
		;
	if (opt < -1 || poptPeekArg(pc)) {
		fprintf(stderr, "ktstr-kmod-fuzz: %s: %s\n",
			opt < -1 ? poptBadOption(pc, 0) : poptPeekArg(pc),
			opt < -1 ? poptStrerror(opt) : "unexpected argument");
		return 2;
	}
	if (seconds < 0 || workers < 1 || workers > MAX_WORKERS ||
	    reloads < 0 || (reloads && !ko) || (!seconds && !reloads)) {
		fprintf(stderr, "ktstr-kmod-fuzz: expected --seconds N > 0 and/or --reload N with --ko PATH; --workers 1 to %d\n",
			MAX_WORKERS);
		return 2;
	}
	if (seed < 0)
		seed = (long long)time(NULL);
	printf("kmod-fuzz: seed %lld, %d s, %d workers, %d reloads\n", seed,
	       seconds, workers, reloads);

	/* What the kernel said before us is not ours: counted apart. */
	kreports_scan_kmsg(&boot, &seq);
	kml = kreports_kmemleak("[ktstr]", &leaks, &ours, NULL, 0);
	if (!kml)
		kreports_kmemleak_clear();

	for (int i = 0; i < reloads; i++) {
		if (reload_once(ko, err, sizeof(err))) {
			printf("kmod-fuzz: reload %d failed: %s\n", i + 1, err);
			failed++;
			ktstr_kmod_unload(err, sizeof(err));
		}
	}
	if (reloads)
		printf("kmod-fuzz: reloads %d, clean %d\n", reloads,
		       reloads - failed);

	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return 2;
	if (seconds) {
		if (access(KTSTR_DEVICE, F_OK) && ko &&
		    ktstr_kmod_load(ko, err, sizeof(err))) {
			printf("kmod-fuzz: cannot load %s: %s\n", ko, err);
			return 1;
		}
		if (access(KTSTR_DEVICE, F_OK)) {
			printf("kmod-fuzz: no %s: load ktstr.ko first (or give --ko)\n",
			       KTSTR_DEVICE);
			return 1;
		}
		hung = fuzz(sh, seconds, workers, (uint64_t)seed);
		print_counts(sh);
	}

	kreports_scan_kmsg(&rep, &seq);
	if (!kml) {
		/* kmemleak reports objects older than 5 s, after two scans. */
		sleep(6);
		kreports_kmemleak("[ktstr]", &leaks, &ours, first,
				  sizeof(first));
		kreports_kmemleak("[ktstr]", &leaks, &ours, first,
				  sizeof(first));
		rep.n[KREP_KMEMLEAK] = ours;
		if (ours)
			snprintf(rep.first[KREP_KMEMLEAK], KREP_FIRST_LEN,
				 "%s", first);
	}
	printf("kmod-fuzz: reports before the run (boot, not counted): %u\n",
	       kreports_total(&boot));
	printf("kmod-fuzz: reports");
	for (int i = 0; i < KREP_NR; i++)
		printf(" %s %u", kreport_names[i], rep.n[i]);
	printf("\n");
	if (kml)
		printf("kmod-fuzz: kmemleak not available (not a debug kernel)\n");
	else
		printf("kmod-fuzz: kmemleak: %u unreferenced objects, %u with ktstr.ko in their backtrace\n",
		       leaks, ours);
	for (int i = 0; i < KREP_NR; i++)
		if (rep.n[i])
			printf("kmod-fuzz: first %s report: %s\n",
			       kreport_names[i], rep.first[i]);
	printf("kmod-fuzz: hung %d\n", hung);
	printf("kmod-fuzz: %s\n", kreports_total(&rep) || hung || failed ?
	       "FAIL" : "PASS");
	poptFreeContext(pc);
	free(ko);
	return kreports_total(&rep) || hung || failed ? 1 : 0;
}
