package io.meso.scheduler;

import io.meso.codecs.StatusCodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.client.InvalidStatusException;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.meso.security.tls.ClientTls;
import java.net.ConnectException;
import java.net.UnknownHostException;

/** What the gRPC clients share: the client settings, unary calls, and turning failures into {@link ApiException}. */
final class GrpcCalls {

  /** Fail fast when nothing listens at the master's address: a CLI user is waiting. */
  static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  /** The gRPC metadata carrying a client's credentials, as HTTP's Authorization header. */
  static final String AUTHORIZATION_METADATA = "authorization";

  private GrpcCalls() {}

  /**
   * gRPC over cleartext HTTP/2 with prior knowledge, as the master's port expects; or, with
   * {@code tls}, HTTP/2 over TLS (ALPN) verifying the master's certificate and host name.
   */
  static GrpcClient client(Vertx vertx, ClientTls tls) {
    HttpClientOptions options = new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false)
        .setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
    if (tls != null) {
      tls.apply(options);
    }
    return GrpcClient.client(vertx, options);
  }

  static <Req, Resp> Future<Resp> unary(GrpcClient client, ClientTls tls, SocketAddress server,
      ServiceMethod<Resp, Req> method, Req request) {
    return unary(client, tls, server, method, request, java.util.Map.of());
  }

  /** A unary call with metadata (request headers). */
  static <Req, Resp> Future<Resp> unary(GrpcClient client, ClientTls tls, SocketAddress server,
      ServiceMethod<Resp, Req> method, Req request, java.util.Map<String, String> metadata) {
    return client.request(server, method)
        .compose(req -> {
          metadata.forEach((k, v) -> req.headers().set(k, v));
          return req.end(request).compose(v -> req.response());
        })
        .compose(resp -> resp.last().recover(err -> Future.failedFuture(statusError(resp, err, server, tls))))
        .recover(err -> Future.failedFuture(toApiException(err, server, tls)));
  }

  /** The failure a response's status stands for, else {@code cause}. */
  static Throwable statusError(GrpcClientResponse<?, ?> resp, Throwable cause, SocketAddress server, ClientTls tls) {
    GrpcStatus status = resp.status();
    if (status != null && status != GrpcStatus.OK) {
      return fromStatus(status, resp.statusMessage());
    }
    return toApiException(cause, server, tls);
  }

  static ApiException fromStatus(GrpcStatus status, String message) {
    String text = message == null || message.isEmpty() ? "the master answered " + status : message;
    return new ApiException(StatusCodes.toCode(status), text);
  }

  static ApiException toApiException(Throwable err, SocketAddress server, ClientTls tls) {
    if (err instanceof ApiException api) {
      return api;
    }
    String where = MasterAddress.format(server);
    String tlsTrouble = ClientTls.explain(err, tls, where);
    if (tlsTrouble != null) {
      // Not trusted, another host's certificate, no TLS there: say what to pass, not "internal error".
      return new ApiException(ApiException.UNAVAILABLE, tlsTrouble);
    }
    if (err instanceof InvalidStatusException status) {
      return fromStatus(status.actualStatus(), null);
    }
    if (err instanceof ConnectException || err instanceof UnknownHostException) {
      return ApiException.unreachable("cannot reach the master at " + where + ": " + err.getMessage());
    }
    if (tls == null && "Connection was closed".equals(err.getMessage())) {
      // A TLS-only port drops a cleartext HTTP/2 client before any answer.
      return new ApiException(ApiException.UNAVAILABLE, "the master at " + where + " closed the connection without "
          + "answering; if it serves TLS (--tls-cert), talk TLS to it: " + ClientTls.CA_FLAG + " FILE (or "
          + ClientTls.CA_ENV + "), or https://" + where);
    }
    if (err instanceof HttpClosedException || err instanceof StreamResetException) {
      return new ApiException(ApiException.UNAVAILABLE, "the connection to the master at " + where + " was lost: "
          + err.getMessage());
    }
    return new ApiException(ApiException.INTERNAL, "call to the master at " + where + " failed: " + err);
  }
}
