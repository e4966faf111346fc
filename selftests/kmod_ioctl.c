// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/ktstr: every ioctl's happy path, every malformed request refused
 * with its own reason, and a randomized storm of bad requests after which
 * the kernel has no warning, oops or new taint.
 */
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/klog.h>

#include "kselftest_harness.h"
#include "lib/ktstr_dev.h"
#include "lib/ktstr_module.h"
#include "ktstr_guest.h"

#define KTSTR_FUZZ_IOCTLS	100000
#define TAINT_ALLOWED		((1UL << 12) | (1UL << 13) | (1UL << 18))

FIXTURE(dev) {
	int fd;
	struct ktstr_info info;
};

FIXTURE_SETUP(dev)
{
	self->fd = ktstr_open();
	if (self->fd < 0)
		SKIP(return, KTSTR_DEVICE " is missing: %s", ktstr_module_why());
	ktstr_hdr_init(&self->info, sizeof(self->info));
	ASSERT_EQ(0, ktstr_ioctl(self->fd, KTSTR_IOC_INFO, &self->info));
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* Address of @name in /proc/kallsyms, 0 if absent. */
static unsigned long long kallsyms_addr(const char *name)
{
	unsigned long long addr, found = 0;
	char line[512], sym[256], type;
	FILE *f = fopen("/proc/kallsyms", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &addr, &type, sym) == 3 &&
		    !strcmp(sym, name) && !strchr(line, '[')) {
			found = addr;
			break;
		}
	if (f)
		fclose(f);
	return found;
}

/* Index of the first field of zero size, or -1. */
static int first_empty(const struct ktstr_field_layout *f, int n)
{
	for (int k = 0; k < n; k++)
		if (!f[k].size)
			return k;
	return -1;
}

TEST_F(dev, info_matches_kernel)
{
	struct ktstr_info *i = &self->info;
	unsigned long long text = kallsyms_addr("_text");

	EXPECT_EQ(KTSTR_ABI_VERSION, i->abi_version);
	EXPECT_EQ(KTSTR_OK, i->hdr.reason);
	EXPECT_EQ(sysconf(_SC_NPROCESSORS_CONF), (long)i->nr_possible_cpus);
	EXPECT_GE(i->nr_cpu_ids, i->nr_possible_cpus);
	EXPECT_NE(0, i->release[0]);
	EXPECT_EQ(kallsyms_addr("jiffies_64"), i->addr[KTSTR_ADDR_JIFFIES_64]);
	EXPECT_EQ(kallsyms_addr("init_task"), i->addr[KTSTR_ADDR_INIT_TASK]);
	EXPECT_EQ(kallsyms_addr("runqueues"), i->addr[KTSTR_ADDR_RUNQUEUES]);
	ASSERT_NE(0, text);
	EXPECT_EQ(text - 0xffffffff80000000ULL, i->kaslr_offset);
	EXPECT_NE(0, i->page_offset_base);
	for (unsigned int c = 1; c < i->nr_possible_cpus; c++)
		EXPECT_NE(i->per_cpu_offset[c - 1], i->per_cpu_offset[c]);
	EXPECT_EQ(-1, first_empty(i->rq_field, KTSTR_RQ_NR_FIELDS));
	EXPECT_EQ(-1, first_empty(i->task_field, KTSTR_TASK_NR_FIELDS));
	EXPECT_EQ(8, i->task_field[KTSTR_TASK_SCX_DSQ_VTIME].size);
}

TEST_F(dev, read_jiffies_advances)
{
	struct ktstr_access a, b;

	ktstr_access_init(&a, KTSTR_TARGET_SYMBOL, "jiffies_64", 8);
	ASSERT_EQ(0, ktstr_ioctl(self->fd, KTSTR_IOC_READ, &a));
	usleep(50000);
	ktstr_access_init(&b, KTSTR_TARGET_SYMBOL, "jiffies_64", 8);
	ASSERT_EQ(0, ktstr_ioctl(self->fd, KTSTR_IOC_READ, &b));
	EXPECT_GT(b.value, a.value);
	EXPECT_GT(a.value, 0);
}

TEST_F(dev, read_percpu_fields)
{
	for (unsigned int c = 0; c < self->info.nr_possible_cpus; c++) {
		struct ktstr_access a;

		ktstr_access_init(&a, KTSTR_TARGET_PERCPU, "cpu",
				  self->info.rq_field[KTSTR_RQ_CPU].size);
		a.cpu = c;
		ASSERT_EQ(0, ktstr_ioctl(self->fd, KTSTR_IOC_READ, &a));
		EXPECT_EQ(c, a.value);
		ktstr_access_init(&a, KTSTR_TARGET_PERCPU, "nr_running",
				  self->info.rq_field[KTSTR_RQ_NR_RUNNING].size);
		a.cpu = c;
		EXPECT_EQ(0, ktstr_ioctl(self->fd, KTSTR_IOC_READ, &a));
		ktstr_access_init(&a, KTSTR_TARGET_PERCPU, "clock", 8);
		a.cpu = c;
		EXPECT_EQ(0, ktstr_ioctl(self->fd, KTSTR_IOC_READ, &a));
		EXPECT_GT(a.value, 0);
	}
}

TEST_F(dev, read_own_task)
{
	struct ktstr_access a;
	__u64 start;

	/* PID 1 (the agent, or init): it has run for a while. */
	pid_t pid = 1;

	ASSERT_EQ(0, ktstr_task_start_time(self->fd, pid, &start, NULL));
	EXPECT_GT(start, 0);
	ktstr_access_init(&a, KTSTR_TARGET_TASK, "pid", 4);
	a.pid = pid;
	a.start_time = start;
	ASSERT_EQ(0, ktstr_ioctl(self->fd, KTSTR_IOC_READ, &a));
	EXPECT_EQ((__u64)pid, a.value);
	ktstr_access_init(&a, KTSTR_TARGET_TASK, "se.sum_exec_runtime", 8);
	a.pid = pid;
	a.start_time = start;
	ASSERT_EQ(0, ktstr_ioctl(self->fd, KTSTR_IOC_READ, &a));
	EXPECT_GT(a.value, 0);
}

TEST_F(dev, snapshot_every_cpu)
{
	struct ktstr_snapshot *s = malloc(sizeof(*s));

	ASSERT_NE(NULL, s);
	ktstr_hdr_init(s, sizeof(*s));
	ASSERT_EQ(0, ktstr_ioctl(self->fd, KTSTR_IOC_SNAPSHOT, s));
	EXPECT_EQ(self->info.nr_possible_cpus, s->nr_cpus);
	EXPECT_GT(s->timestamp_ns, 0);
	EXPECT_GT(s->jiffies, 0);
	for (unsigned int c = 0; c < s->nr_cpus; c++) {
		EXPECT_EQ(c, s->cpus[c].cpu);
		EXPECT_EQ(1, s->cpus[c].online);
		EXPECT_GT(s->cpus[c].clock, 0);
		/* The stopper is left out: no CPU is busier than our tasks. */
		EXPECT_LE(s->cpus[c].nr_running, 4);
	}
	free(s);
}

/* Issue @cmd and expect it refused with @reason. */
static void expect_refused(struct __test_metadata *_metadata, int fd,
			   unsigned long cmd, void *req, __u32 reason,
			   int err)
{
	EXPECT_EQ(-err, ktstr_ioctl(fd, cmd, req));
	EXPECT_EQ(reason, ((struct ktstr_hdr *)req)->reason);
}

TEST_F(dev, malformed_requests_refused)
{
	struct ktstr_access a;
	int fd = self->fd;

	ktstr_access_init(&a, KTSTR_TARGET_SYMBOL, "jiffies_64", 8);
	a.hdr.size = sizeof(a) - 8;
	expect_refused(_metadata, fd, KTSTR_IOC_READ, &a, KTSTR_E_SIZE, EINVAL);
	ktstr_access_init(&a, KTSTR_TARGET_SYMBOL, "jiffies_64", 8);
	a.hdr.version = KTSTR_ABI_VERSION + 1;
	expect_refused(_metadata, fd, KTSTR_IOC_READ, &a, KTSTR_E_VERSION,
		       EINVAL);
	ktstr_access_init(&a, KTSTR_TARGET_SYMBOL, "jiffies_64", 8);
	a.reserved[1] = 1;
	expect_refused(_metadata, fd, KTSTR_IOC_READ, &a, KTSTR_E_RESERVED,
		       EINVAL);
	ktstr_access_init(&a, KTSTR_TARGET_SYMBOL, "", 8);
	expect_refused(_metadata, fd, KTSTR_IOC_READ, &a, KTSTR_E_NAME, EINVAL);
	ktstr_access_init(&a, KTSTR_TARGET_SYMBOL, "jiffies_64", 8);
	memset(a.name, 'x', sizeof(a.name));
	expect_refused(_metadata, fd, KTSTR_IOC_READ, &a, KTSTR_E_NAME, EINVAL);
	ktstr_access_init(&a, 99, "jiffies_64", 8);
	expect_refused(_metadata, fd, KTSTR_IOC_READ, &a, KTSTR_E_KIND, EINVAL);
	ktstr_access_init(&a, KTSTR_TARGET_SYMBOL, "jiffies_64", 3);
	expect_refused(_metadata, fd, KTSTR_IOC_READ, &a, KTSTR_E_WIDTH,
		       EINVAL);
	ktstr_access_init(&a, KTSTR_TARGET_PERCPU, "nr_running", 8);
	expect_refused(_metadata, fd, KTSTR_IOC_READ, &a, KTSTR_E_WIDTH,
		       EINVAL);
	ktstr_access_init(&a, KTSTR_TARGET_PERCPU, "nr_running", 4);
	a.cpu = self->info.nr_cpu_ids;
	expect_refused(_metadata, fd, KTSTR_IOC_READ, &a, KTSTR_E_CPU, EINVAL);
	ktstr_access_init(&a, KTSTR_TARGET_SYMBOL, "modprobe_path", 8);
	expect_refused(_metadata, fd, KTSTR_IOC_READ, &a,
		       KTSTR_E_UNKNOWN_SYMBOL, ENOENT);
	ktstr_access_init(&a, KTSTR_TARGET_PERCPU, "no_such_field", 4);
	expect_refused(_metadata, fd, KTSTR_IOC_READ, &a,
		       KTSTR_E_UNKNOWN_FIELD, ENOENT);
	ktstr_access_init(&a, KTSTR_TARGET_SYMBOL, "jiffies_64", 8);
	expect_refused(_metadata, fd, KTSTR_IOC_WRITE, &a,
		       KTSTR_E_NOT_WRITABLE, EACCES);
	EXPECT_EQ(-ENOTTY, ktstr_ioctl(fd, _IOWR(KTSTR_IOC_MAGIC, 0x7f,
						 struct ktstr_access), &a));
}

TEST_F(dev, capture_without_host)
{
	struct ktstr_capture c;

	if (self->info.host_attached)
		SKIP(return, "a host relay is attached: capture would succeed");
	ktstr_hdr_init(&c, sizeof(c));
	snprintf(c.tag, sizeof(c.tag), "no-host");
	EXPECT_NE(0, ktstr_ioctl(self->fd, KTSTR_IOC_CAPTURE, &c));
	EXPECT_EQ(KTSTR_E_NO_HOST, c.hdr.reason);
}

/* Random bytes, biased towards values a validator must think about. */
static __u64 rnd(void)
{
	static const __u64 edge[] = { 0, 1, 2, 3, 4, 7, 8, 9, 255, 256,
				      0x7fffffff, 0x80000000, 0xffffffff,
				      ~0ULL, 1ULL << 63 };

	if (random() % 4 == 0)
		return edge[random() % ARRAY_SIZE(edge)];
	return ((__u64)random() << 33) ^ ((__u64)random() << 11) ^ random();
}

static const char *const fuzz_names[] = {
	"jiffies_64", "scx_watchdog_timeout", "nr_running", "clock", "curr",
	"cpu", "scx.nr_running", "scx.local_dsq.nr", "pid", "start_time",
	"scx.dsq_vtime", "scx.slice", "comm", "scx.dsq", "runqueues", "",
};

static void fuzz_one(int fd, unsigned char *buf, size_t cap)
{
	static const unsigned long cmds[] = {
		KTSTR_IOC_INFO, KTSTR_IOC_READ, KTSTR_IOC_WRITE,
		KTSTR_IOC_SNAPSHOT, KTSTR_IOC_CAPTURE, KTSTR_IOC_RELAY_DONE,
	};
	struct ktstr_access *a = (struct ktstr_access *)buf;
	unsigned long cmd;

	for (size_t i = 0; i < cap; i += 8)
		*(__u64 *)(buf + i) = rnd();
	if (random() % 8 == 0) {
		cmd = (unsigned long)rnd();
		/* Never the blocking RELAY_WAIT. */
		if (_IOC_TYPE(cmd) == KTSTR_IOC_MAGIC)
			cmd = KTSTR_IOC_INFO;
	} else {
		cmd = cmds[random() % ARRAY_SIZE(cmds)];
	}
	if (random() % 4)
		a->hdr.size = _IOC_SIZE(cmd);
	if (random() % 4)
		a->hdr.version = KTSTR_ABI_VERSION;
	if (random() % 2)
		a->hdr.reserved = 0;
	/* A valid SNAPSHOT parks every CPU: keep those rare, or TCG crawls. */
	if (cmd == KTSTR_IOC_SNAPSHOT && random() % 50)
		a->hdr.version = KTSTR_ABI_VERSION + 1;
	if ((cmd == KTSTR_IOC_READ || cmd == KTSTR_IOC_WRITE) && random() % 2) {
		a->kind = 1 + random() % 4;
		a->width = 1 << (random() % 5);
		a->cpu = random() % 2 ? a->cpu : random() % 300;
		a->pid = random() % 2 ? a->pid : random() % 200;
		snprintf(a->name, sizeof(a->name), "%s",
			 fuzz_names[random() % ARRAY_SIZE(fuzz_names)]);
		if (random() % 2)
			memset(a->reserved, 0, sizeof(a->reserved));
		/* A short watchdog timeout may stall a healthy scheduler. */
		if (!strcmp(a->name, "scx_watchdog_timeout"))
			cmd = KTSTR_IOC_READ;
	}
	ioctl(fd, cmd, buf);
}

/* Kernel log lines that mean the kernel is unwell. */
static int bad_kernel_log_lines(char *buf, int len)
{
	static const char *const bad[] = { "WARNING:", "BUG:", "Oops",
					   "Call Trace", "general protection" };
	int n = 0;

	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
		for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
			if (strstr(line, bad[i])) {
				fprintf(stderr, "# kernel: %s\n", line);
				n++;
			}
	return n;
}

/* 100,000 ioctls under TCG take minutes, not the harness's 30 s. */
TEST_F_TIMEOUT(dev, random_bad_requests_leave_kernel_clean, 900)
{
	size_t cap = sizeof(struct ktstr_snapshot) + 64;
	unsigned char *buf = malloc(cap);
	struct ktstr_access wd;
	char taint[32], *log;
	int loglen;

	ASSERT_NE(NULL, buf);
	/* Keep the watchdog timeout to put it back after the storm. */
	ktstr_access_init(&wd, KTSTR_TARGET_SYMBOL, "scx_watchdog_timeout", 8);
	ASSERT_EQ(0, ktstr_ioctl(self->fd, KTSTR_IOC_READ, &wd));
	srandom(1234);
	for (int i = 0; i < KTSTR_FUZZ_IOCTLS; i++)
		fuzz_one(self->fd, buf, cap);
	free(buf);
	/* Put the timeout back (0 means no scheduler: nothing to restore). */
	wd.hdr.reason = 0;
	if (wd.value)
		EXPECT_EQ(0, ktstr_ioctl(self->fd, KTSTR_IOC_WRITE, &wd));

	ASSERT_EQ(0, read_file_str("/proc/sys/kernel/tainted", taint,
				   sizeof(taint)));
	EXPECT_EQ(0, strtoul(taint, NULL, 10) & ~TAINT_ALLOWED)
		TH_LOG("kernel tainted: %s", taint);
	loglen = klogctl(10, NULL, 0);	/* SYSLOG_ACTION_SIZE_BUFFER */
	ASSERT_GT(loglen, 0);
	log = malloc(loglen + 1);
	ASSERT_NE(NULL, log);
	loglen = klogctl(3, log, loglen);	/* SYSLOG_ACTION_READ_ALL */
	ASSERT_GE(loglen, 0);
	log[loglen] = '\0';
	EXPECT_EQ(0, bad_kernel_log_lines(log, loglen));
	free(log);
}

TEST_HARNESS_MAIN
