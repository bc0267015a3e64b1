/**
 * How a task is isolated: small {@link io.meso.executor.isolation.Isolator}s, each named as in
 * {@code --isolation} ({@link io.meso.executor.isolation.IsolatorName}), put together by
 * {@link io.meso.executor.isolation.Isolators} for one agent. Each isolator is called before a
 * task is spawned ({@code prepare}: make and limit what it runs in, and add its step to the
 * {@link io.meso.executor.isolation.LaunchPlan}), after ({@code spawned}), for usage samples,
 * for limitations (on every watch tick while the task runs and once at its exit), for the argv
 * that enters the task's isolation (COMMAND health checks), and after it ({@code cleanup}).
 * <pre>
 *   cgroups/cpu, cgroups/mem, cgroups/pids   limits and usage from the task's cgroups (package .cgroups, v1 and v2)
 *   namespaces/pid                           unshare: own pid namespace and /proc; its end ends the tree
 *   filesystem/cgroup-ro                     nsenter into the host's read-only cgroup view; setpriv drops CAP_SYS_ADMIN
 *   disk/du                                  sandbox usage against disk: REASON_CONTAINER_LIMITATION_DISK
 *   network/ports                            a TCP port listened on outside the task's ports: a TASK_RUNNING notice
 *   posix/mem                                resident memory polled from /proc against mem (no cgroups)
 * </pre>
 * {@link io.meso.executor.isolation.HostSupport} says what a host can have and why not; the
 * executor's {@code Isolation} turns {@code --isolation} into the isolators for it. Plain Java
 * and blocking (/proc, cgroup files, one-off util-linux runs at start): no Vert.x here; the
 * executor calls everything off its event loop. Vocabulary: a <em>container</em> is what the
 * isolators know about one task; a <em>limitation</em> is a limit it ran into.
 */
package io.meso.executor.isolation;
