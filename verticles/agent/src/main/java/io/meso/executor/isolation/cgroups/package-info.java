/**
 * cgroups for tasks, v1 and v2: {@link io.meso.executor.isolation.cgroups.CgroupsHost} finds
 * which the host has under the cgroup base (v2: a unified hierarchy with
 * {@code cgroup.controllers}; v1: one hierarchy per controller),
 * {@link io.meso.executor.isolation.cgroups.Cgroups} makes, finds and sweeps an agent's task
 * cgroups ({@code <root>/<agentId>/<frameworkId>+<taskId>}),
 * {@link io.meso.executor.isolation.cgroups.TaskCgroup} is one task's, and the three cgroups
 * isolators write the limits and read usage and limitations:
 * <pre>
 *                    v1                                   v2
 *   cgroups/cpu      cpu.shares, cpu.cfs_quota_us         cpu.weight, cpu.max
 *                    cpuacct.stat, cpu.stat               cpu.stat
 *   cgroups/mem      memory.limit_in_bytes                memory.max
 *                    memory.oom_control (oom_kill)        memory.events (oom_kill)
 *   cgroups/pids     pids.max, pids.events (max)          pids.max, pids.events (max)
 *   (every task)     cgroup.procs in each hierarchy       cgroup.procs, cgroup.kill
 * </pre>
 * Formulas are in {@link io.meso.executor.isolation.cgroups.CgroupFiles}. Blocking file IO.
 */
package io.meso.executor.isolation.cgroups;
