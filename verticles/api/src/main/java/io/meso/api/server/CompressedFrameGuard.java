package io.meso.api.server;

import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.internal.http.HttpServerRequestInternal;
import io.vertx.core.internal.http.HttpServerRequestWrapper;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gRPC request as the gRPC server sees it, with its body checked frame by frame: a message
 * whose compressed-flag byte is 1 on a call without a {@code grpc-encoding} (or with
 * {@code identity}) is a protocol error the gRPC spec answers with INTERNAL. Vert.x's deframer
 * throws on it and the call is never answered, so the guard answers it (trailers-only) and
 * passes nothing more on.
 *
 * <p>Frames are {@code [flag:1][length:4 big-endian][message]}; only the five-byte prefixes are
 * read, the message bytes are skipped, so the body is not copied.
 */
final class CompressedFrameGuard extends HttpServerRequestWrapper {

  private static final Logger LOG = LoggerFactory.getLogger(CompressedFrameGuard.class);
  static final String MESSAGE = "compressed message without grpc-encoding";

  private final HttpServerRequest request;
  /** Bytes of the current frame's prefix read so far (0-5), then the message bytes still to skip. */
  private final byte[] prefix = new byte[5];
  private int prefixRead;
  private long toSkip;
  private boolean refused;

  private CompressedFrameGuard(HttpServerRequestInternal request) {
    super(request);
    this.request = request;
  }

  /** The request to hand to the gRPC server: guarded when it declares no compression. */
  static HttpServerRequest wrap(HttpServerRequest request) {
    String encoding = request.getHeader("grpc-encoding");
    boolean uncompressed = encoding == null || encoding.isBlank() || "identity".equalsIgnoreCase(encoding.trim());
    if (uncompressed && request instanceof HttpServerRequestInternal internal) {
      return new CompressedFrameGuard(internal);
    }
    return request;
  }

  @Override
  public HttpServerRequest handler(Handler<Buffer> handler) {
    if (handler == null) {
      return super.handler(null);
    }
    return super.handler(data -> {
      if (refused) {
        return;
      }
      if (check(data)) {
        handler.handle(data);
      } else {
        refuse();
      }
    });
  }

  /** Walks the frame prefixes in {@code data}; false at a compressed flag. */
  private boolean check(Buffer data) {
    int i = 0;
    int n = data.length();
    while (i < n) {
      if (toSkip > 0) {
        int skip = (int) Math.min(toSkip, n - i);
        i += skip;
        toSkip -= skip;
        continue;
      }
      prefix[prefixRead++] = data.getByte(i++);
      if (prefixRead == 5) {
        prefixRead = 0;
        if (prefix[0] != 0) {
          return false;
        }
        toSkip = ((prefix[1] & 0xffL) << 24) | ((prefix[2] & 0xffL) << 16) | ((prefix[3] & 0xffL) << 8) | (prefix[4] & 0xffL);
      }
    }
    return true;
  }

  private void refuse() {
    refused = true;
    HttpServerResponse response = request.response();
    LOG.info("grpc call refused path={}: {}", request.path(), MESSAGE);
    if (response.ended() || response.headWritten()) {
      response.reset();
      return;
    }
    response.setStatusCode(200)
        .putHeader("content-type", "application/grpc")
        .putHeader("grpc-status", "13")
        .putHeader("grpc-message", URLEncoder.encode(MESSAGE, StandardCharsets.UTF_8).replace("+", "%20"))
        .end();
  }
}
