// SPDX-License-Identifier: GPL-2.0
/*
 * The agent is the only process that talks to the host, so it relays for
 * the kmod: it publishes the kernel layout (KTSTR_IOC_INFO) at boot, and
 * a thread takes CAPTURE requests from /dev/ktstr (RELAY_WAIT), forwards
 * them, waits for the host's answer (sent after the thaw) and hands the
 * capture id back (RELAY_DONE).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "ktstr_dev.h"
#include "util.h"

void relay_publish_layout(struct port *p)
{
	struct ktstr_info *info = calloc(1, sizeof(*info));
	int fd = ktstr_open();

	if (fd >= 0 && info) {
		ktstr_hdr_init(info, sizeof(*info));
		if (!ktstr_ioctl(fd, KTSTR_IOC_INFO, info))
			port_send(p, KTSTR_MSG_LAYOUT, info, sizeof(*info));
		else
			port_log(p, "ktstr.ko INFO failed: %s (reason %s)",
				 strerror(errno),
				 ktstr_reason_name(info->hdr.reason));
	}
	if (fd >= 0)
		close(fd);
	free(info);
}

struct done_wait {
	uint32_t request_id;
	uint32_t capture_id;
	uint32_t result;
	bool got;
};

static void on_done(const struct wire_frame *f, void *arg)
{
	struct done_wait *w = arg;
	uint32_t req = UINT32_MAX, id = 0, result = KTSTR_E_HOST_FAILED;
	const uint8_t *val;
	uint16_t tag, n;
	size_t off = 0;

	if (f->type != KTSTR_MSG_CAPTURE_DONE)
		return;
	while (wire_tlv_next(f->payload, f->len, &off, &tag, &val, &n) > 0) {
		if (tag == KTSTR_TLV_REQUEST_ID)
			wire_tlv_u32(val, n, &req);
		else if (tag == KTSTR_TLV_CAPTURE_ID)
			wire_tlv_u32(val, n, &id);
		else if (tag == KTSTR_TLV_RESULT)
			wire_tlv_u32(val, n, &result);
	}
	if (req != w->request_id)
		return;
	w->capture_id = id;
	w->result = result;
	w->got = true;
}

/* Forward one request and wait for the host's answer on the port. */
static void forward(struct port *p, int fd, const struct ktstr_relay *req)
{
	struct done_wait w = { .request_id = (uint32_t)req->request_id };
	struct ktstr_relay done;
	uint8_t buf[256], chunk[4096];
	size_t off = 0;

	wire_tlv_put_str(buf, sizeof(buf), &off, KTSTR_TLV_CAPTURE_TAG,
			 req->tag);
	wire_tlv_put_u32(buf, sizeof(buf), &off, KTSTR_TLV_REQUEST_ID,
			 w.request_id);
	if (events_send_after(p, KTSTR_MSG_CAPTURE, buf, off) == 0) {
		while (!w.got) {
			ssize_t n = read(p->fd, chunk, sizeof(chunk));

			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;
			wire_decoder_feed(&p->dec, chunk, (size_t)n, on_done, &w);
		}
	}
	ktstr_hdr_init(&done, sizeof(done));
	done.request_id = req->request_id;
	done.capture_id = w.capture_id;
	done.result = w.got ? w.result : KTSTR_E_HOST_FAILED;
	ktstr_ioctl(fd, KTSTR_IOC_RELAY_DONE, &done);
}

static void *relay_main(void *arg)
{
	struct port *p = arg;
	int fd = ktstr_open();

	if (fd < 0)
		return NULL;
	for (;;) {
		struct ktstr_relay req;

		ktstr_hdr_init(&req, sizeof(req));
		if (ktstr_ioctl(fd, KTSTR_IOC_RELAY_WAIT, &req)) {
			port_log(p, "capture relay stopped: %s", strerror(errno));
			break;
		}
		req.tag[sizeof(req.tag) - 1] = '\0';
		forward(p, fd, &req);
	}
	close(fd);
	return NULL;
}

/* Start the relay and wait until the kmod reports the host attached. */
int relay_start(struct port *p)
{
	struct ktstr_info *info = calloc(1, sizeof(*info));
	int fd = ktstr_open(), attached = 0;
	pthread_t t;

	if (fd < 0 || !info || pthread_create(&t, NULL, relay_main, p)) {
		if (fd >= 0)
			close(fd);
		free(info);
		return -1;
	}
	pthread_detach(t);
	for (int i = 0; i < 200 && !attached; i++) {
		ktstr_hdr_init(info, sizeof(*info));
		if (!ktstr_ioctl(fd, KTSTR_IOC_INFO, info))
			attached = info->host_attached;
		if (!attached)
			usleep(1000);
	}
	close(fd);
	free(info);
	return attached ? 0 : -1;
}
