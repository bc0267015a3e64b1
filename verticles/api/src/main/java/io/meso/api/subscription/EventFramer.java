package io.meso.api.subscription;

import io.meso.v1.scheduler.Event;
import io.vertx.core.Future;
import io.vertx.core.Handler;

/**
 * How one door puts a {@link SchedulerSubscription}'s stream on its wire: the lifecycle decides
 * when, the framer only how. Every method is called on the request's event loop, at most in the
 * order below, and nothing after {@link #refuse}, {@link #end} or {@link #stop}.
 */
public interface EventFramer {

  /** The door's name in log lines ({@code http}, {@code grpc}). */
  String door();

  /**
   * The subscription starts, before SUBSCRIBE goes to the master: remember the stream id if it
   * must travel early, and call {@code gone} (with why) whenever the client goes away.
   */
  void open(String streamId, Handler<String> gone);

  /** The master accepted the SUBSCRIBE: start the stream (status, headers) before any event. */
  void accepted(String streamId);

  /** Writes one event; completes once its bytes are written, fails if they cannot be. */
  Future<Void> write(Event event);

  /** The master refused the SUBSCRIBE (or was not there): answer with its failure. */
  void refuse(Throwable masterFailure);

  /** The master ended the stream (an ERROR event, already written): end the response. */
  void end();

  /** The server is stopping; {@code accepted} says whether the stream had started. */
  void stop(boolean accepted);
}
