package io.meso.executor;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Waits for task processes to exit on a cached pool of small daemon threads: one thread per
 * running process, reused across short tasks (the JDK's own reaper does the same). Not
 * {@link Process#onExit()}: it hands every exit to {@code CompletableFuture}'s default async
 * pool, which on machines with fewer than three cores is a new thread per call, and that
 * thread churn was the largest JVM-side cost of launching short tasks. A leader the launch
 * server forked ({@link ServedProcess}) needs no waiting thread: the server reports its end.
 */
final class ExitWatcher {

  private static final long STACK_SIZE = 256 * 1024;

  private final ExecutorService threads;

  ExitWatcher(String name) {
    AtomicInteger count = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(null, r, name + "-" + count.incrementAndGet(), STACK_SIZE);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * When {@code process} has exited, runs {@code after} on the waiting thread (blocking IO is
   * fine there) and delivers its outcome to {@code handler} on {@code context}. Nothing is
   * delivered once {@link #close()} was called.
   */
  <T> void watch(Process process, Callable<T> after, Context context, Handler<AsyncResult<T>> handler) {
    if (process instanceof ServedProcess served) {
      // The launch server reports its end: no thread waits. Orphaned (the server died): nothing
      // is delivered here, the executor watches it as an adopted task.
      served.exit().thenRun(() -> {
        try {
          threads.execute(() -> deliver(after, context, handler));
        } catch (java.util.concurrent.RejectedExecutionException e) {
          // closed
        }
      });
      return;
    }
    threads.execute(() -> {
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return; // closing
      }
      deliver(after, context, handler);
    });
  }

  private static <T> void deliver(Callable<T> after, Context context, Handler<AsyncResult<T>> handler) {
    AsyncResult<T> result;
    try {
      result = Future.succeededFuture(after.call());
    } catch (Exception e) {
      result = Future.failedFuture(e);
    }
    AsyncResult<T> outcome = result;
    context.runOnContext(v -> handler.handle(outcome));
  }

  void close() {
    threads.shutdownNow();
  }
}
