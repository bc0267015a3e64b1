package io.meso.security.http;

import io.meso.security.authn.Authenticator;
import io.meso.security.authn.AuthnResult;
import io.meso.security.authn.HostCheck;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every request to a Meso HTTP port (the master's, an agent's) passes before gRPC or any
 * route sees it: the Host/Origin check ({@link HostCheck}: a foreign Host is 421, a foreign Origin
 * 403), then, when authentication is configured, the caller's credentials ({@link Authenticator}):
 * HTTP gets 401 with {@code WWW-Authenticate} challenges, gRPC a trailers-only UNAUTHENTICATED.
 * Only the probe paths the port names need no credentials. The request handed on carries the
 * authenticated principal as {@code meso-principal} ({@link GatedRequest}). One class for every
 * port, so that each door refuses alike and none forgets a step. Refusals are logged with the
 * path and the reason only: never the Authorization value, the query or other headers.
 */
public final class HttpGate {

  private static final Logger LOG = LoggerFactory.getLogger(HttpGate.class);
  /** The master's probes: paths anyone who may reach the port may ask (load balancers and orchestrators probe them). */
  public static final Set<String> MASTER_PROBES = Set.of("/health", "/livez", "/readyz");

  private final Vertx vertx;
  private final HostCheck hosts;
  private final Authenticator authenticator;
  private final Set<String> probes;

  /**
   * {@code authenticator} null: authentication off (the Host/Origin check still runs);
   * {@code probes}: the exact paths served without credentials.
   */
  public HttpGate(Vertx vertx, HostCheck hosts, Authenticator authenticator, Set<String> probes) {
    this.vertx = vertx;
    this.hosts = hosts;
    this.authenticator = authenticator;
    this.probes = Set.copyOf(probes);
  }

  /** Whether callers must prove who they are (credentials or JWT keys configured). */
  public boolean authenticates() {
    return authenticator != null;
  }

  /** Checks {@code request}; hands it on to {@code next} (gRPC or HTTP as {@code grpc} says) only when it passes. */
  public void handle(HttpServerRequest request, boolean grpc, Handler<HttpServerRequest> next) {
    String host = request.authority() == null ? null : request.authority().host();
    HostCheck.Refusal refusal = hosts.check(host, request.getHeader(HttpHeaders.ORIGIN));
    if (refusal != null) {
      LOG.info("request refused path={} status={}: {}", request.path(), refusal.status(), refusal.message().trim());
      if (grpc) {
        grpcRefusal(request, 7, refusal.message().trim());
      } else {
        plain(request.response(), refusal.status(), refusal.message());
      }
      return;
    }
    if (authenticator == null || (!grpc && probes.contains(request.path()))) {
      next.handle(GatedRequest.of(request, null));
      return;
    }
    Future<AuthnResult> checked = authenticator.authenticate(vertx, request.getHeader(HttpHeaders.AUTHORIZATION));
    if (checked.isComplete()) {
      decide(request, grpc, checked.result(), checked.cause(), next, false);
      return;
    }
    // A password check runs on a worker thread: hold the body until it is decided.
    request.pause();
    checked.onComplete(ar -> decide(request, grpc, ar.result(), ar.cause(), next, true));
  }

  private void decide(HttpServerRequest request, boolean grpc, AuthnResult result, Throwable failure,
      Handler<HttpServerRequest> next, boolean paused) {
    if (result != null && result.authenticated()) {
      GatedRequest gated = GatedRequest.of(request, result.principal());
      next.handle(gated);
      if (paused && !gated.flowTaken()) {
        request.resume();
      }
      return;
    }
    String message = result != null ? result.message() : "credentials could not be checked: " + failure.getMessage();
    LOG.info("request refused path={} reason={}: {}", request.path(), result == null ? "ERROR" : result.reason(), message);
    if (grpc) {
      grpcRefusal(request, 16, message);
    } else {
      HttpServerResponse response = request.response();
      for (String challenge : Authenticator.CHALLENGES) {
        response.headers().add("WWW-Authenticate", challenge);
      }
      plain(response, 401, "unauthenticated: " + message + "\n");
    }
    if (paused) {
      // Let the unread body drain so the connection can carry the next request.
      request.resume();
    }
  }

  private static void plain(HttpServerResponse response, int status, String body) {
    if (response.ended()) {
      return;
    }
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").end(body);
  }

  /** A trailers-only gRPC answer: HTTP 200 with grpc-status and grpc-message in the headers. */
  private static void grpcRefusal(HttpServerRequest request, int status, String message) {
    HttpServerResponse response = request.response();
    if (response.ended()) {
      return;
    }
    response.setStatusCode(200)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/grpc")
        .putHeader("grpc-status", Integer.toString(status))
        .putHeader("grpc-message", URLEncoder.encode(message, StandardCharsets.UTF_8).replace("+", "%20"))
        .end();
  }
}
