/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The environment of a test program run by ktstr: every variable the host
 * or the guest agent sets for it, and the ones a user may set to steer the
 * selftests. This is the whole list; nothing else is read from the
 * environment. A test run directly (make run_tests on a device) has none
 * of the KTSTR_ ones the agent sets, and must work or SKIP without them.
 */
#ifndef KTSTR_SELFTESTS_LIB_ENV_H
#define KTSTR_SELFTESTS_LIB_ENV_H

/* Set by the host (RUN request): the topology spec the VM was booted with, "NnLlCcTt". */
#define KTSTR_ENV_TOPOLOGY	"KTSTR_TOPOLOGY"
/* Set by the host: the name of the scheduler under test; "" for the kernel's own. */
#define KTSTR_ENV_SCHEDULER	"KTSTR_SCHEDULER"

/* Set by the agent: files left here are copied to the host's --output-dir. */
#define KTSTR_ENV_OUTPUT_DIR	"KTSTR_OUTPUT_DIR"
/* Set by the agent when it started a scheduler: its pid, binary and arguments. */
#define KTSTR_ENV_SCHED_PID	"KTSTR_SCHED_PID"
#define KTSTR_ENV_SCHED_PATH	"KTSTR_SCHED_PATH"
#define KTSTR_ENV_SCHED_ARGS	"KTSTR_SCHED_ARGS"	/* space separated */
/* Set by the agent with SCHED_PID: the hand-off socket (lib/scheduler.h). */
#define KTSTR_ENV_SCHED_HANDOFF	"KTSTR_SCHED_HANDOFF"
/* Set by the agent: its event socket (lib/agent_event.h). */
#define KTSTR_ENV_EVENTS	"KTSTR_EVENTS"

/*
 * The scenario engine's report in KTSTR_OUTPUT_DIR, and its format:
 * ktstr compare reads it on the host.
 */
#define KTSTR_SCENARIO_REPORT	"scenarios.json"
#define KTSTR_SCENARIO_FORMAT	"ktstr-scenarios-1"

/* The serial of the guest's virtio-blk disk (/sys/block/vdX/serial). */
#define KTSTR_DISK_SERIAL	"ktstr-disk"

/* User knob: "BINARY [ARGS]" the scenarios attach instead of a default one. */
#define KTSTR_ENV_SCENARIO_SCHED	"KTSTR_SCENARIO_SCHED"
/* User knob: check thresholds for the scenarios, see Documentation/scenarios.rst. */
#define KTSTR_ENV_SCENARIO_LIMITS	"KTSTR_SCENARIO_LIMITS"

/* Host user knob: the QEMU binary to run instead of qemu-system-x86_64 on PATH. */
#define KTSTR_ENV_QEMU		"KTSTR_QEMU"

#endif
