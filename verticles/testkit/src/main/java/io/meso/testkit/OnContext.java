package io.meso.testkit;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.Supplier;

/**
 * Starts a test's HTTP client calls on one Vert.x context instead of the test thread. Vert.x
 * 5.0.7's HTTP client, given sequential requests from a thread outside Vert.x (each on a fresh
 * context), now and then never wrote one: a 30 s hang in about 1 run in 6 of
 * WebUiWithoutMasterTest on a loaded machine (the request never reached the socket), none in 29
 * runs with the calls started on one context. Seen with keep-alive off too (MarkAgentGoneTest).
 */
public final class OnContext {

  private OnContext() {}

  private static final java.util.Map<io.vertx.core.Vertx, Context> CONTEXTS = new java.util.WeakHashMap<>();

  /** Starts {@code call} on the one context this helper keeps for {@code vertx}. */
  public static <T> Future<T> run(io.vertx.core.Vertx vertx, Supplier<Future<T>> call) {
    Context context;
    synchronized (CONTEXTS) {
      context = CONTEXTS.computeIfAbsent(vertx, io.vertx.core.Vertx::getOrCreateContext);
    }
    return run(context, call);
  }

  public static <T> Future<T> run(Context context, Supplier<Future<T>> call) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> {
      try {
        call.get().onComplete(done);
      } catch (RuntimeException e) {
        done.fail(e);
      }
    });
    return done.future();
  }
}
