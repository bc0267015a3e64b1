package io.meso.agent;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's own small pool for sandbox file IO, apart from Vert.x's shared worker pool: a
 * task controls its sandbox and can make an open block forever (a file swapped for a named pipe
 * between the agent's check and its open), and such a thread cannot be interrupted. So at most
 * {@link #threads} reads run at once and at most {@link #queue} wait (more: 503 at once); every
 * read is answered within {@link #timeoutMillis} (504 after it, the thread left to finish or
 * stay stuck); and a read running longer than that makes {@link #stuck()} report why the agent
 * is not ready. Submit from an event loop; results come back on the submitting context.
 */
final class SandboxIo {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxIo.class);

  static final int DEFAULT_THREADS = 4;
  static final int DEFAULT_QUEUE = 64;
  /** Below the master's 10 s request timeout, so the operator sees this answer, not a bare timeout. */
  static final long DEFAULT_TIMEOUT_MILLIS = 5_000;

  private record Running(String what, long startNanos) {}

  private final Vertx vertx;
  private final int threads;
  private final int queue;
  private final long timeoutMillis;
  private final ThreadPoolExecutor pool;
  private final Map<Long, Running> running = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  SandboxIo(Vertx vertx, String agentId, int threads, int queue, long timeoutMillis) {
    this.vertx = vertx;
    this.threads = threads;
    this.queue = queue;
    this.timeoutMillis = timeoutMillis;
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue),
        r -> {
          Thread t = new Thread(r, "meso-sandbox-io-" + n.incrementAndGet() + "-" + agentId);
          t.setDaemon(true);
          return t;
        });
  }

  SandboxIo(Vertx vertx, String agentId) {
    this(vertx, agentId, DEFAULT_THREADS, DEFAULT_QUEUE, DEFAULT_TIMEOUT_MILLIS);
  }

  long timeoutMillis() {
    return timeoutMillis;
  }

  /**
   * Runs {@code work} on the pool; the future fails with a {@link SandboxFiles.Refusal} 503 when
   * the pool is saturated and 504 when the work takes longer than the timeout.
   */
  <T> Future<T> submit(String what, Callable<T> work) {
    Context context = vertx.getOrCreateContext();
    Promise<T> promise = Promise.promise();
    AtomicBoolean answered = new AtomicBoolean();
    long id = ids.incrementAndGet();
    java.util.concurrent.Future<?> job;
    try {
      job = pool.submit(() -> {
        running.put(id, new Running(what, System.nanoTime()));
        try {
          T result = work.call();
          context.runOnContext(v -> {
            if (answered.compareAndSet(false, true)) {
              promise.complete(result);
            }
          });
        } catch (Throwable e) {
          context.runOnContext(v -> {
            if (answered.compareAndSet(false, true)) {
              promise.fail(e);
            }
          });
        } finally {
          running.remove(id);
        }
      });
    } catch (RejectedExecutionException e) {
      String why = pool.isShutdown() ? "the agent is stopping"
          : "the agent is busy reading sandbox files (" + threads + " reads running, " + queue + " waiting)"
              + (stuck() == null ? "" : "; " + stuck());
      return Future.failedFuture(new SandboxFiles.Refusal(503, why + "; try again later"));
    }
    long timer = vertx.setTimer(timeoutMillis, t -> {
      if (answered.compareAndSet(false, true)) {
        job.cancel(true); // drops it if still queued; interrupts a read (not a blocked open)
        LOG.warn("sandbox file IO timed out {} timeout_ms={}", what, timeoutMillis);
        promise.fail(new SandboxFiles.Refusal(504, "reading " + what + " did not finish within " + timeoutMillis
            + " ms (a named pipe or a stalled file system?); the read was abandoned"));
      }
    });
    return promise.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  /** Why sandbox IO is stuck (reads running for longer than the timeout), or null when it is not. */
  String stuck() {
    long now = System.nanoTime();
    long bound = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    int count = 0;
    Running oldest = null;
    for (Running r : running.values()) {
      if (now - r.startNanos() > bound) {
        count++;
        if (oldest == null || r.startNanos() < oldest.startNanos()) {
          oldest = r;
        }
      }
    }
    if (count == 0) {
      return null;
    }
    return count + " of " + threads + " sandbox file IO threads stuck for more than " + timeoutMillis + " ms (oldest: "
        + oldest.what() + ", for " + TimeUnit.NANOSECONDS.toMillis(now - oldest.startNanos()) + " ms)";
  }

  void close() {
    pool.shutdownNow();
  }
}
