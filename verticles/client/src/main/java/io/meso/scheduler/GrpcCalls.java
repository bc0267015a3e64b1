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
import java.net.ConnectException;
import java.net.UnknownHostException;

/** What the gRPC clients share: the client settings, unary calls, and turning failures into {@link ApiException}. */
final class GrpcCalls {

  /** Fail fast when nothing listens at the master's address: a CLI user is waiting. */
  static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  /** The gRPC metadata carrying a client's credentials, as HTTP's Authorization header. */
  static final String AUTHORIZATION_METADATA = "authorization";

  private GrpcCalls() {}

  /** gRPC over cleartext HTTP/2 with prior knowledge, as the master's port expects. */
  static GrpcClient client(Vertx vertx) {
    return GrpcClient.client(vertx, new HttpClientOptions()
        .setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false)
        .setConnectTimeout(CONNECT_TIMEOUT_MILLIS));
  }

  static <Req, Resp> Future<Resp> unary(GrpcClient client, SocketAddress server, ServiceMethod<Resp, Req> method,
      Req request) {
    return unary(client, server, method, request, java.util.Map.of());
  }

  /** A unary call with metadata (request headers). */
  static <Req, Resp> Future<Resp> unary(GrpcClient client, SocketAddress server, ServiceMethod<Resp, Req> method,
      Req request, java.util.Map<String, String> metadata) {
    return client.request(server, method)
        .compose(req -> {
          metadata.forEach((k, v) -> req.headers().set(k, v));
          return req.end(request).compose(v -> req.response());
        })
        .compose(resp -> resp.last().recover(err -> Future.failedFuture(statusError(resp, err, server))))
        .recover(err -> Future.failedFuture(toApiException(err, server)));
  }

  /** The failure a response's status stands for, else {@code cause}. */
  static Throwable statusError(GrpcClientResponse<?, ?> resp, Throwable cause, SocketAddress server) {
    GrpcStatus status = resp.status();
    if (status != null && status != GrpcStatus.OK) {
      return fromStatus(status, resp.statusMessage());
    }
    return toApiException(cause, server);
  }

  static ApiException fromStatus(GrpcStatus status, String message) {
    String text = message == null || message.isEmpty() ? "the master answered " + status : message;
    return new ApiException(StatusCodes.toCode(status), text);
  }

  static ApiException toApiException(Throwable err, SocketAddress server) {
    if (err instanceof ApiException api) {
      return api;
    }
    String where = MasterAddress.format(server);
    if (err instanceof InvalidStatusException status) {
      return fromStatus(status.actualStatus(), null);
    }
    if (err instanceof ConnectException || err instanceof UnknownHostException) {
      return ApiException.unreachable("cannot reach the master at " + where + ": " + err.getMessage());
    }
    if (err instanceof HttpClosedException || err instanceof StreamResetException) {
      return new ApiException(ApiException.UNAVAILABLE, "the connection to the master at " + where + " was lost: "
          + err.getMessage());
    }
    return new ApiException(ApiException.INTERNAL, "call to the master at " + where + " failed: " + err);
  }
}
