// SPDX-License-Identifier: GPL-2.0
/*
 * The agent's end of the control port: find the virtio-serial port by its
 * name in sysfs, then send and receive wire frames over it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "util.h"

static int port_find(const char *name, char *dev, size_t len)
{
	DIR *d = opendir("/sys/class/virtio-ports");
	struct dirent *e;
	int found = -1;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		char path[300], *got;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/class/virtio-ports/%s/name",
			 e->d_name);
		got = read_file(path, 256, NULL);
		if (!got)
			continue;
		rstrip(got);
		if (!strcmp(got, name)) {
			snprintf(dev, len, "/dev/%s", e->d_name);
			found = 0;
		}
		free(got);
		if (!found)
			break;
	}
	closedir(d);
	return found;
}

int port_open(struct port *p, const char *name, unsigned int wait_ms)
{
	char dev[300];

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	pthread_mutex_init(&p->send_lock, NULL);
	wire_decoder_init(&p->dec);
	/* The port appears once the virtio-serial driver has probed it. */
	for (unsigned int waited = 0;; waited += 5) {
		if (!port_find(name, dev, sizeof(dev))) {
			p->fd = open(dev, O_RDWR | O_CLOEXEC);
			if (p->fd >= 0)
				return 0;
		}
		if (waited >= wait_ms)
			return -1;
		usleep(5000);
	}
}

int port_send(struct port *p, uint16_t type, const void *payload, size_t len)
{
	static uint8_t frame[KTSTR_WIRE_MAX_FRAME];
	size_t n;
	int r = -1;

	pthread_mutex_lock(&p->send_lock);
	n = wire_encode(frame, sizeof(frame), type, p->seq++, payload, len);
	if (n && p->fd >= 0)
		r = write_all(p->fd, frame, n);
	pthread_mutex_unlock(&p->send_lock);
	return r;
}

int port_send_text(struct port *p, uint16_t type, uint16_t tag,
		   const char *text)
{
	static __thread uint8_t buf[KTSTR_WIRE_MAX_PAYLOAD];
	size_t off = 0, len = strlen(text);

	/* Keep the end of an over-long text: that is where errors are. */
	if (len > KTSTR_WIRE_MAX_PAYLOAD - 16)
		text += len - (KTSTR_WIRE_MAX_PAYLOAD - 16);
	if (wire_tlv_put_str(buf, sizeof(buf), &off, tag, text))
		return -1;
	return port_send(p, type, buf, off);
}

int port_log(struct port *p, const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	return port_send(p, KTSTR_MSG_LOG, line, strlen(line));
}

struct wait_ctx {
	uint16_t type;
	uint8_t *buf;
	size_t cap;
	size_t len;
	bool got;
};

static void wait_frame(const struct wire_frame *f, void *arg)
{
	struct wait_ctx *w = arg;

	if (w->got || f->type != w->type || f->len > w->cap)
		return;
	memcpy(w->buf, f->payload, f->len);
	w->len = f->len;
	w->got = true;
}

int port_wait(struct port *p, uint16_t type, uint8_t *buf, size_t cap,
	      size_t *len)
{
	struct wait_ctx w = { .type = type, .buf = buf, .cap = cap };
	uint8_t chunk[4096];

	while (!w.got) {
		ssize_t n = read(p->fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* No host connected yet reads as EOF; wait a bit. */
			if (n == 0)
				usleep(10000);
			else
				return -1;
			continue;
		}
		wire_decoder_feed(&p->dec, chunk, (size_t)n, wait_frame, &w);
	}
	*len = w.len;
	return 0;
}
