package io.meso.master;

import io.meso.codecs.Addresses;
import io.meso.security.authn.Authenticator;
import io.meso.security.authn.AuthnResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master's check of credentials an event-bus client sends with a scheduler or operator call
 * ({@link Addresses#AUTHORIZATION_HEADER}, {@code Basic ...} or {@code Bearer ...}): verified with
 * the same {@link Authenticator} as the HTTP doors; a message whose credentials fail is failed
 * with 401 and changes nothing; one that passes goes on with the principal they prove in
 * {@link Addresses#PRINCIPAL_HEADER} (replacing any the sender set) and without the credentials.
 * A message without the header is a door's (which authenticated its caller and set the principal)
 * or a trusted member's, and goes on as it is. Messages are handed on in the order they came,
 * even when a password check has to run on a worker thread.
 */
final class BusAuthentication {

  private static final Logger LOG = LoggerFactory.getLogger(BusAuthentication.class);

  private final Vertx vertx;
  private final Authenticator authenticator;
  /** Completes when every message received so far was handed on (or refused). */
  private Future<Void> tail = Future.succeededFuture();

  private BusAuthentication(Vertx vertx, Authenticator authenticator) {
    this.vertx = vertx;
    this.authenticator = authenticator;
  }

  /** {@code handler} behind the check; {@code handler} itself when no authenticator is configured. */
  static <T> Handler<Message<T>> wrap(Vertx vertx, Authenticator authenticator, Handler<Message<T>> handler) {
    if (authenticator == null) {
      return handler;
    }
    BusAuthentication check = new BusAuthentication(vertx, authenticator);
    return msg -> check.handle(msg, handler);
  }

  private <T> void handle(Message<T> msg, Handler<Message<T>> handler) {
    String authorization = msg.headers().get(Addresses.AUTHORIZATION_HEADER);
    if (authorization == null && tail.isComplete()) {
      handler.handle(msg);
      return;
    }
    Future<AuthnResult> checked = authorization == null ? Future.succeededFuture()
        : authenticator.authenticate(vertx, authorization);
    Future<Void> previous = tail;
    tail = previous.transform(v -> checked.transform(ar -> {
      deliver(msg, authorization != null, ar.result(), ar.cause(), handler);
      return Future.<Void>succeededFuture();
    }));
  }

  private <T> void deliver(Message<T> msg, boolean hadCredentials, AuthnResult result, Throwable failure,
      Handler<Message<T>> handler) {
    if (!hadCredentials) {
      handler.handle(msg);
      return;
    }
    msg.headers().remove(Addresses.AUTHORIZATION_HEADER);
    if (result == null || !result.authenticated()) {
      String why = result != null ? result.message() : "credentials could not be checked: " + failure.getMessage();
      LOG.info("event-bus call refused address={} action={}: unauthenticated: {}", msg.address(),
          msg.headers().get(Addresses.ACTION_HEADER), why);
      msg.fail(401, "unauthenticated: " + why);
      return;
    }
    msg.headers().set(Addresses.PRINCIPAL_HEADER, result.principal());
    handler.handle(msg);
  }
}
