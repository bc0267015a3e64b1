package io.meso.executor;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blocking jobs an executor runs on Vert.x's shared worker pool (a kill, a container's
 * removal, an exit poll), counted so that its stop can wait for what is still running instead of
 * leaving it to finish after the executor, and maybe its Vert.x, are gone (a job interrupted by
 * Vert.x's close, or completing on a terminated event loop). Used from the executor's event loop
 * only.
 */
final class BlockingJobs {

  private static final Logger LOG = LoggerFactory.getLogger(BlockingJobs.class);

  /** How long a stop waits for them: a hung `docker` must not hold an agent's stop for ever. */
  static final long STOP_WAITS_MILLIS = 15_000;

  private final Vertx vertx;
  private final String agentId;
  private int inFlight;
  /** Completed once none is left, while stopping. */
  private Promise<Void> drained;

  BlockingJobs(Vertx vertx, String agentId) {
    this.vertx = vertx;
    this.agentId = agentId;
  }

  /** {@code vertx.executeBlocking}, counted. */
  <T> Future<T> run(Callable<T> job, boolean ordered) {
    inFlight++;
    return vertx.<T>executeBlocking(job, ordered).andThen(ar -> {
      if (--inFlight == 0 && drained != null) {
        drained.tryComplete();
      }
    });
  }

  /** Completes once no job is running, or after {@link #STOP_WAITS_MILLIS} (then says how many were left). */
  Future<Void> done() {
    if (inFlight == 0) {
      return Future.succeededFuture();
    }
    drained = Promise.promise();
    long timer = vertx.setTimer(STOP_WAITS_MILLIS, id -> {
      if (drained.tryComplete()) {
        LOG.warn("executor stopping with {} blocking jobs still running agent_id={}", inFlight, agentId);
      }
    });
    return drained.future().andThen(ar -> vertx.cancelTimer(timer));
  }
}
