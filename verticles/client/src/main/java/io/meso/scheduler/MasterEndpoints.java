package io.meso.scheduler;

import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The masters a client may talk to, and the one that answered last. A call goes to that one; if
 * it cannot be reached or is not serving (503: dead, or no leader behind it yet), the next in the
 * list is tried, once round the list, and the one that answers becomes the current one. Any
 * master serves clients (a standby forwards to the leader), so this is how clients carry on when
 * the master they were using dies. Other failures (400, 403, 404, ...) are the answer and are not
 * retried elsewhere.
 */
final class MasterEndpoints {

  private final List<SocketAddress> addresses;
  private volatile int current;
  private io.vertx.core.Context context;

  MasterEndpoints(List<SocketAddress> addresses) {
    Objects.requireNonNull(addresses, "addresses");
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("at least one master address is needed");
    }
    this.addresses = List.copyOf(addresses);
  }

  /**
   * Makes every call start on {@code context}, whichever thread asks. Vert.x 5.0.7's HTTP client,
   * given requests from threads outside Vert.x (a framework's own threads, a test's), each on a
   * fresh context, now and then never sent one on a reused connection: WebUiWithoutMasterTest hung
   * in about 1 run in 6 on a loaded machine, with the request never written, and 0 in 29 once its
   * requests all started on one context.
   */
  MasterEndpoints onContext(io.vertx.core.Context context) {
    this.context = context;
    return this;
  }

  List<SocketAddress> all() {
    return addresses;
  }

  /** The master that answered last (the first one until then). */
  SocketAddress current() {
    return addresses.get(current);
  }

  /**
   * Moves past {@code lost}, if it is the current master: the next call starts at the one after
   * it (and comes back round to it only if no other answers).
   */
  void moveOff(SocketAddress lost) {
    int index = current;
    if (addresses.get(index).equals(lost)) {
      current = (index + 1) % addresses.size();
    }
  }

  /** Runs {@code attempt} against the current master, moving on to the next ones while they are unavailable. */
  <T> Future<T> call(Function<SocketAddress, Future<T>> attempt) {
    io.vertx.core.Context ctx = context;
    if (ctx == null || io.vertx.core.Vertx.currentContext() == ctx) {
      return call(attempt, current, addresses.size());
    }
    io.vertx.core.Promise<T> done = io.vertx.core.Promise.promise();
    ctx.runOnContext(v -> call(attempt, current, addresses.size()).onComplete(done));
    return done.future();
  }

  private <T> Future<T> call(Function<SocketAddress, Future<T>> attempt, int index, int left) {
    Future<T> tried;
    try {
      tried = attempt.apply(addresses.get(index));
    } catch (IllegalStateException e) {
      // The transport refuses at once (its client is closed): a failure, never a throw.
      tried = Future.failedFuture(new ApiException(ApiException.INTERNAL, "the client cannot call the master: "
          + e.getMessage()));
    }
    return tried
        .onSuccess(v -> current = index)
        .recover(err -> {
          boolean elsewhere = err instanceof ApiException api && api.code() == ApiException.UNAVAILABLE;
          if (!elsewhere || left <= 1) {
            return Future.failedFuture(err);
          }
          return call(attempt, (index + 1) % addresses.size(), left - 1);
        });
  }
}
