package io.meso.executor.isolation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code filesystem/cgroup-ro}: the task sees the cgroup filesystem read-only, so it can neither
 * leave its cgroups (write its pid elsewhere) nor raise its own limits (memory.limit_in_bytes,
 * pids.max); and it runs without CAP_SYS_ADMIN (dropped from the bounding set with
 * {@code setpriv}), so it cannot remount the filesystem writable, mount a cgroup hierarchy of its
 * own or enter another mount namespace either. The task enters the host's read-only view
 * ({@link MountTemplate}); with {@code namespaces/pid} it then gets a private copy of it (the
 * pid namespace's /proc is mounted there). Its cgroups are joined before (the join is the
 * task's last write to the cgroup filesystem).
 *
 * <p>A task that needs CAP_SYS_ADMIN (mounting, for one) cannot run under this isolator. It is
 * a guard against a task undoing its limits, not a sandbox. At launch the executor's own setpriv,
 * which drops every capability and switches to the task's user, takes the place of this one
 * (see the executor's TaskPrivileges); COMMAND health checks get both. Cost per launch with the
 * program pipeline: two execs (nsenter, setpriv) and the join's own shell; none with the native
 * launch helper, which enters the view itself.
 */
public final class CgroupReadOnlyIsolator implements Isolator {

  /** What setpriv is told: drop CAP_SYS_ADMIN from the bounding set (inherited by everything the task runs). */
  static final String DROP = "--bounding-set=-sys_admin";

  private final Path namespaceFile;
  private final String nsenter;
  private final String setpriv;
  private final boolean pidNamespace;

  /**
   * @param namespaceFile the read-only view (see {@link MountTemplate#open})
   * @param pidNamespace whether tasks also get {@code namespaces/pid} (then checks enter the task's own mount namespace)
   */
  public CgroupReadOnlyIsolator(Path namespaceFile, String nsenter, String setpriv,
      boolean pidNamespace) {
    this.namespaceFile = namespaceFile;
    this.nsenter = nsenter;
    this.setpriv = setpriv;
    this.pidNamespace = pidNamespace;
  }

  @Override
  public IsolatorName name() {
    return IsolatorName.FILESYSTEM_CGROUP_RO;
  }

  @Override
  public void prepare(Container container, LaunchPlan plan) {
    plan.enterMountNamespace(nsenter, namespaceFile, container.sandbox());
    plan.dropCapabilities(List.of(setpriv, DROP), false);
  }

  @Override
  public List<String> enter(Container container) {
    List<String> argv = new ArrayList<>();
    if (!pidNamespace) {
      argv.addAll(List.of(nsenter, "--mount=" + namespaceFile, "--wd=" + container.sandbox()));
    }
    argv.addAll(List.of(setpriv, DROP));
    return argv;
  }
}
