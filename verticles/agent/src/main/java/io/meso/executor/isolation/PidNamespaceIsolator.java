package io.meso.executor.isolation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code namespaces/pid}: each task runs in a pid namespace of its own, with a /proc of its own
 * ({@code unshare --pid --fork --kill-child --mount-proc}), so {@code ps} in the task shows only
 * its tree and it cannot signal anything else on the host. The kernel ends every process of a
 * pid namespace when its init ends, and {@code --kill-child} ends the init when the unshare
 * process above it dies, so killing the task's leader leaves nothing behind: the kill is reliable
 * even for daemons that left the task's session.
 *
 * <p>The task's leader (the pid the checkpoint records, the process the executor waits for) is
 * still a host process: unshare, which forks the namespace's init and waits for it, passing its
 * exit status on. The init is the task's shell, which catches TERM/INT/HUP (an init ignores
 * signals it has no handler for) and runs the command as its child. Cost per launch: one exec
 * (none with the native launch helper, which does the same itself) and one fork (a new pid
 * namespace applies only to children). COMMAND health checks enter the
 * same namespaces with {@code nsenter --target <init> --pid --mount}.
 */
public final class PidNamespaceIsolator implements Isolator {

  private final String unshare;
  private final String nsenter;

  public PidNamespaceIsolator(String unshare, String nsenter) {
    this.unshare = unshare;
    this.nsenter = nsenter;
  }

  @Override
  public IsolatorName name() {
    return IsolatorName.NAMESPACES_PID;
  }

  @Override
  public void prepare(Container container, LaunchPlan plan) {
    plan.newPidNamespace(unshare);
  }

  @Override
  public List<String> enter(Container container) throws IOException {
    long init = init(container);
    return List.of(nsenter, "--target", Long.toString(init), "--pid", "--mount", "--wd=" + container.sandbox());
  }

  /** The host pid of the task's namespace init: the leader's (unshare's) only child. */
  static long init(Container container) throws IOException {
    long leader = container.leader();
    long known = container.namespaceInit();
    if (known > 0 && parent(known) == leader) {
      return known;
    }
    Path children = Path.of("/proc", Long.toString(leader), "task", Long.toString(leader), "children");
    String text;
    try {
      text = Files.exists(children) ? Files.readString(children).trim() : childByScan(leader);
    } catch (IOException e) {
      throw new IOException("the task's pid namespace is gone (its leader " + leader + " has ended)", e);
    }
    if (text.isEmpty()) {
      throw new IOException("the task's pid namespace is gone (its leader " + leader + " has no child)");
    }
    long init = Long.parseLong(text.split("\\s+")[0]);
    container.namespaceInit(init);
    return init;
  }

  /** A child of {@code parent} found by scanning /proc (kernels without /proc/PID/task/TID/children), or "". */
  private static String childByScan(long parent) throws IOException {
    try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path entry : entries) {
        long pid = Long.parseLong(entry.getFileName().toString());
        if (parent(pid) == parent) {
          return Long.toString(pid);
        }
      }
    }
    if (!Files.exists(Path.of("/proc", Long.toString(parent)))) {
      throw new IOException("no process " + parent);
    }
    return "";
  }

  /** The parent pid of a live process, or -1. */
  private static long parent(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ", 3)[1]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
