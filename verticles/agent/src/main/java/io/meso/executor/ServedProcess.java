package io.meso.executor;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A task leader the {@link LaunchServer} forked: not this JVM's child, so it cannot be waited
 * for with {@code waitpid}; the server reaps it and reports its status, which completes
 * {@link #exit()}. Stands in for the {@link Process} of a per-launch spawn everywhere the executor
 * uses one (pid, liveness, descendants, signals, exit value). When the server dies first the task
 * is <em>orphaned</em>: {@link #exit()} fails with {@link Orphaned}, the leader lives on (it leads
 * its own session; init or a subreaper reaps it) and the executor watches it as an adopted task.
 * It has no streams: the server opened the task's files itself.
 */
final class ServedProcess extends Process {

  /** Why {@link #exit()} failed: the server died before the leader ended; its status is unknown. */
  static final class Orphaned extends Exception {
    Orphaned(String message) {
      super(message, null, false, false);
    }
  }

  private final long pid;
  private final CompletableFuture<Integer> exit = new CompletableFuture<>();

  ServedProcess(long pid) {
    this.pid = pid;
  }

  /** Completes with the exit status (128+N for signal N, as Process reports it), or fails with {@link Orphaned}. */
  CompletableFuture<Integer> exit() {
    return exit;
  }

  void exited(int status) {
    exit.complete(status);
  }

  void orphan(String why) {
    exit.completeExceptionally(new Orphaned(why));
  }

  /** Whether the server died before this leader ended (its status will never be reported). */
  boolean orphaned() {
    return exit.isCompletedExceptionally();
  }

  @Override
  public long pid() {
    return pid;
  }

  @Override
  public int waitFor() throws InterruptedException {
    try {
      return exit.get();
    } catch (ExecutionException e) {
      waitForOrphan();
      throw new IllegalThreadStateException("pid " + pid + ": exit status unknown: " + e.getCause().getMessage());
    }
  }

  @Override
  public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
    try {
      exit.get(timeout, unit);
      return true;
    } catch (ExecutionException e) {
      return !isAlive();
    } catch (TimeoutException e) {
      return false;
    }
  }

  private void waitForOrphan() throws InterruptedException {
    var handle = ProcessHandle.of(pid);
    if (handle.isPresent()) {
      try {
        handle.get().onExit().get();
      } catch (ExecutionException e) {
        // onExit of another process's child only polls; it does not fail
      }
    }
  }

  @Override
  public int exitValue() {
    if (!exit.isDone()) {
      throw new IllegalThreadStateException("pid " + pid + " has not exited");
    }
    if (orphaned()) {
      throw new IllegalThreadStateException("pid " + pid + ": exit status unknown (the launch server died first)");
    }
    return exit.join();
  }

  @Override
  public boolean isAlive() {
    if (!exit.isDone()) {
      return true;
    }
    return orphaned() && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Override
  public void destroy() {
    if (isAlive()) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
    }
  }

  @Override
  public Process destroyForcibly() {
    if (isAlive()) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    return this;
  }

  @Override
  public ProcessHandle toHandle() {
    return ProcessHandle.of(pid).orElseThrow(() -> new UnsupportedOperationException("pid " + pid + " is gone"));
  }

  @Override
  public Stream<ProcessHandle> descendants() {
    return isAlive() ? ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants) : Stream.empty();
  }

  @Override
  public CompletableFuture<Process> onExit() {
    return exit.handle((status, failure) -> (Process) this);
  }

  @Override
  public OutputStream getOutputStream() {
    return OutputStream.nullOutputStream();
  }

  @Override
  public InputStream getInputStream() {
    return InputStream.nullInputStream();
  }

  @Override
  public InputStream getErrorStream() {
    return InputStream.nullInputStream();
  }

  @Override
  public String toString() {
    return "ServedProcess[pid=" + pid + ", " + (!exit.isDone() ? "running" : orphaned() ? "orphaned"
        : "exit " + exit.join()) + "]";
  }
}
