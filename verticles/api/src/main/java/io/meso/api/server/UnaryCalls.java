package io.meso.api.server;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.grpc.common.CodecException;
import io.vertx.grpc.common.GrpcMessage;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.server.GrpcServerRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * Reads the one request message of a call and hands it on. A malformed or missing message is
 * answered INVALID_ARGUMENT with what was wrong, so that bad input never reaches the master or
 * breaks the server. (Vert.x's own decoding would only reset the stream, which a client sees as
 * an unexplained CANCELLED; so messages are decoded here.)
 */
final class UnaryCalls {

  private UnaryCalls() {}

  /** Calls {@code onMessage} with the request's first message, at most once. */
  static <Req, Resp> void firstMessage(GrpcServerRequest<Req, Resp> request, ServiceMethod<Req, Resp> method,
      Consumer<Req> onMessage) {
    String what = method.fullMethodName();
    boolean[] seen = {false};
    request.invalidMessageHandler(e -> {
      if (!seen[0]) {
        seen[0] = true;
        MasterFailures.respond(request.response(), GrpcStatus.INVALID_ARGUMENT,
            "the " + what + " request is not a valid " + messageType(method) + ": " + invalidReason(e));
      }
    });
    request.messageHandler(raw -> {
      if (seen[0]) {
        return;
      }
      seen[0] = true;
      Req msg;
      try {
        msg = decode(method, raw);
      } catch (CodecException e) {
        MasterFailures.respond(request.response(), GrpcStatus.INVALID_ARGUMENT,
            "the " + what + " request is not a valid " + messageType(method) + ": " + e.getMessage());
        return;
      }
      try {
        onMessage.accept(msg);
      } catch (RuntimeException e) {
        MasterFailures.respond(request.response(), MasterFailures.of(e, "the API server"));
      }
    });
    request.endHandler(v -> {
      if (!seen[0]) {
        seen[0] = true;
        MasterFailures.respond(request.response(), GrpcStatus.INVALID_ARGUMENT,
            "the " + what + " request carried no message");
      }
    });
  }

  /** A unary call: one request message, answered by {@code action}'s result or its failure. */
  static <Req, Resp> void handle(GrpcServerRequest<Req, Resp> request, ServiceMethod<Req, Resp> method, String address,
      Function<Req, Future<Resp>> action) {
    firstMessage(request, method, msg -> action.apply(msg).onComplete(ar -> {
      if (ar.succeeded()) {
        try {
          request.response().end(ar.result());
        } catch (IllegalStateException e) {
          // The client went away first; nothing to answer.
        }
      } else {
        MasterFailures.respond(request.response(), MasterFailures.of(ar.cause(), address));
      }
    }));
  }

  static <Req> Req decode(ServiceMethod<Req, ?> method, GrpcMessage raw) {
    GrpcMessage message = raw;
    String encoding = raw.encoding();
    if ("gzip".equalsIgnoreCase(encoding)) {
      message = GrpcMessage.message("identity", raw.format(), gunzip(raw.payload()));
    } else if (encoding != null && !"identity".equalsIgnoreCase(encoding)) {
      throw new CodecException("unsupported grpc-encoding '" + encoding + "'; use identity or gzip");
    }
    try {
      return method.decoder().decode(message);
    } catch (RuntimeException e) {
      throw new CodecException(parserReason(e), e);
    }
  }

  /** The full protobuf name of the method's request message (e.g. mesos.v1.scheduler.Call), else "message". */
  static String messageType(ServiceMethod<?, ?> method) {
    var service = io.meso.proto.Api.getDescriptor().findServiceByName(method.serviceName().name());
    var m = service == null ? null : service.findMethodByName(method.methodName());
    return m == null ? "message" : m.getInputType().getFullName();
  }

  /** The protobuf parser's own words (the innermost message), without exception class names. */
  static String parserReason(Throwable e) {
    String reason = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        reason = t.getMessage();
      }
      if (t.getCause() == t) {
        break;
      }
    }
    if (reason == null) {
      return "the bytes do not parse (" + e.getClass().getSimpleName() + ")";
    }
    // A wrapped exception's message starts with its cause's class name; keep only the words.
    return reason.replaceFirst("^[a-z][\\w.]*\\.[A-Z]\\w*(Exception|Error): ", "");
  }

  private static String invalidReason(io.vertx.grpc.common.InvalidMessageException e) {
    if (e instanceof io.vertx.grpc.common.MessageSizeOverflowException overflow) {
      return "its frame declares " + overflow.messageSize() + " bytes, more than the server accepts ("
          + io.vertx.grpc.server.GrpcServerOptions.DEFAULT_MAX_MESSAGE_SIZE + " bytes)";
    }
    return parserReason(e);
  }

  private static Buffer gunzip(Buffer payload) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(payload.getBytes()))) {
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new CodecException("gzip payload cannot be decompressed: " + e.getMessage(), e);
    }
  }
}
