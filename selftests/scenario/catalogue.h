/* SPDX-License-Identifier: GPL-2.0 */
/* The canned scenarios and the negative controls, as data. */
#ifndef KTSTR_SCENARIO_CATALOGUE_H
#define KTSTR_SCENARIO_CATALOGUE_H

#include "scenario.h"

extern const struct sc_scenario sc_steady, sc_oversubscribed,
	sc_cpuset_disjoint, sc_cpuset_overlap, sc_cpuset_swap,
	sc_cpuset_set_clear, sc_cgroup_add_remove, sc_move_all_tasks,
	sc_freeze_unfreeze, sc_affinity_churn, sc_affinity_ops, sc_cpu_max,
	sc_cpu_weight, sc_nice_sweep, sc_fork_churn, sc_pipe_pingpong,
	sc_futex_pingpong, sc_futex_fanout, sc_mixed_io_cpu, sc_numa_spanning,
	sc_smt_siblings, sc_llc_aligned, sc_policy_mix, sc_policy_churn,
	sc_memory_knobs, sc_mutex_contention, sc_cache_pressure, sc_phases,
	sc_yield_mixed_bursty, sc_run_programs, sc_spawn_stop,
	sc_sched_attach_detach;

extern const struct sc_scenario sc_neg_not_starved, sc_neg_fairness,
	sc_neg_gap, sc_neg_isolation, sc_neg_weight, sc_neg_throttle,
	sc_neg_sched_alive, sc_neg_sched_killed;

#endif
