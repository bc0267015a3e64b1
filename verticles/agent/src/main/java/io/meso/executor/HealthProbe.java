package io.meso.executor;

import io.vertx.core.Handler;

/** One kind of health check against a task (a command, an HTTP GET, a TCP connect); see {@link HealthProbes}. */
interface HealthProbe {

  /**
   * Starts one check, on the executor's context and without blocking it. {@code done} is called
   * on that context, at most once: with null when the check passed, else with why it failed.
   * Returns what abandons the check when it timed out or the task ended (kills the check's
   * process, closes its connection); {@code done} may still be called after that.
   */
  Runnable start(Handler<String> done);
}
