package io.meso.executor.isolation;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a task's process must be started, as the isolators' {@code prepare} steps describe it; the
 * executor's launcher turns it into one command line. Outermost first:
 * <ol>
 *   <li>join the task's cgroups: the task's first shell writes its own pid into each
 *       {@code cgroup.procs}, so everything it runs is limited from the start;</li>
 *   <li>{@link #enterMountNamespace enter} a prepared mount namespace (the read-only cgroup view);
 *       that makes the cgroup filesystem read-only, so the join comes before it, in a shell of
 *       its own ({@link #joinsFirst()}; so it does when privileges are dropped);</li>
 *   <li>{@link #unshare} new namespaces (a pid namespace needs a fork: the task is the child);</li>
 *   <li>{@link #dropCapabilities drop} capabilities (and, set by the executor, switch to the task's
 *       user: the last privileged step);</li>
 *   <li>the task itself, under an init shell that waits for it and catches TERM/INT/HUP when it is
 *       a pid namespace's init ({@link #needsInit()}: the kernel drops signals an init has no
 *       handler for, so a bare command there would ignore a graceful kill); with the native launch helper, the
 *       helper itself is that init.</li>
 * </ol>
 * With the program pipeline each step costs an exec (the unshare of a pid namespace also a fork):
 * see the launcher. The same steps are also kept as facts ({@link #mountNamespace()},
 * {@link #pidNamespace()}, {@link #dropsAll()}, {@link #dropsSysAdmin()}) for the native launch
 * helper, which does them all in one exec.
 */
public final class LaunchPlan {

  private final List<Path> cgroupDirs = new ArrayList<>();
  private final List<String> enterMount = new ArrayList<>();
  private final List<String> unshare = new ArrayList<>();
  private final List<String> dropCapabilities = new ArrayList<>();
  private boolean init;
  private Path mountNamespace;
  private Path workingDir;
  private boolean pidNamespace;
  private boolean dropAll;
  private boolean dropSysAdmin;

  /** The task joins this cgroup directory before anything of it runs. */
  public LaunchPlan join(Path cgroupDir) {
    cgroupDirs.add(cgroupDir);
    return this;
  }

  /** The task runs inside the mount namespace bound at {@code namespaceFile}, with its sandbox as cwd. */
  public LaunchPlan enterMountNamespace(String nsenter, Path namespaceFile, Path sandbox) {
    enterMount.clear();
    enterMount.addAll(List.of(nsenter, "--mount=" + namespaceFile, "--wd=" + sandbox));
    mountNamespace = namespaceFile;
    workingDir = sandbox;
    return this;
  }

  /**
   * The task runs in a pid namespace of its own with its own /proc, as the namespace's init:
   * {@code unshare --pid --fork --kill-child --mount-proc} (the {@code unshare} executable).
   */
  public LaunchPlan newPidNamespace(String unshareExecutable) {
    unshare.clear();
    unshare.addAll(List.of(unshareExecutable, "--pid", "--fork", "--kill-child", "--mount-proc"));
    init = true;
    pidNamespace = true;
    return this;
  }

  /**
   * The task runs under {@code argv} (setpriv and its flags), which runs what follows it.
   * {@code all}: it drops every capability (the executor's, which also sets the user and
   * no_new_privs), else only CAP_SYS_ADMIN from the bounding set (an isolator's).
   */
  public LaunchPlan dropCapabilities(List<String> argv, boolean all) {
    dropCapabilities.clear();
    dropCapabilities.addAll(argv);
    dropAll = all;
    dropSysAdmin = !all;
    return this;
  }

  /** The mount namespace to enter (the read-only cgroup view), or null. */
  public Path mountNamespace() {
    return mountNamespace;
  }

  /** The working directory inside {@link #mountNamespace()} (the sandbox), or null. */
  public Path workingDir() {
    return workingDir;
  }

  /** Whether the task gets a pid namespace (and /proc) of its own. */
  public boolean pidNamespace() {
    return pidNamespace;
  }

  /** Whether every capability is dropped, with no_new_privs (see {@link #dropCapabilities}). */
  public boolean dropsAll() {
    return dropAll;
  }

  /** Whether only CAP_SYS_ADMIN is dropped from the bounding set. */
  public boolean dropsSysAdmin() {
    return dropSysAdmin;
  }

  /** The cgroup directories to join, in order. */
  public List<Path> cgroupDirs() {
    return List.copyOf(cgroupDirs);
  }

  /** The programs the task runs under, outermost first (empty: none). */
  public List<String> prefix() {
    List<String> argv = new ArrayList<>(enterMount);
    argv.addAll(unshare);
    argv.addAll(dropCapabilities);
    return argv;
  }

  /**
   * Whether the join must run in a shell of its own before {@link #prefix()}: the read-only view
   * refuses it, and after the privileges are dropped (another user, no capabilities) the task may
   * no longer move itself between cgroups.
   */
  public boolean joinsFirst() {
    return !cgroupDirs.isEmpty() && (!enterMount.isEmpty() || !dropCapabilities.isEmpty());
  }

  /** Whether the task's command must run under an init shell (it is a pid namespace's init). */
  public boolean needsInit() {
    return init;
  }

  /** The shell lines that join {@link #cgroupDirs()} (exit 125 when one cannot be joined), or "" without cgroups. */
  public String joinScript() {
    if (cgroupDirs.isEmpty()) {
      return "";
    }
    StringBuilder echo = new StringBuilder();
    for (Path dir : cgroupDirs) {
      echo.append(echo.length() == 0 ? "" : " && ").append("echo $$ > ").append(quote(dir.resolve("cgroup.procs")));
    }
    return echo + " || exit 125\n";
  }

  static String quote(Path path) {
    return "'" + path.toString().replace("'", "'\\''") + "'";
  }
}
