package io.meso.api.server;

import io.meso.testkit.OnContext;
import static org.assertj.core.api.Assertions.assertThat;

import io.meso.cluster.MesoCluster;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * gRPC frames a client should not send, on the wire (a raw cleartext HTTP/2 client with prior
 * knowledge): each is answered with a gRPC status naming what was wrong, never left hanging.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GrpcBadFramesTest {

  private Vertx vertx;
  private HttpClient http;
  private io.vertx.core.Context CTX;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    ApiServerVerticle server = new ApiServerVerticle(new ApiServerOptions().setPort(0).setMasterTimeoutMillis(2_000));
    vertx.deployVerticle(server).await(30, TimeUnit.SECONDS);
    port = server.actualPort();
    http = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
    CTX = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  record Status(int code, String message) {}

  /** POSTs one length-prefixed gRPC message and returns grpc-status and grpc-message (from headers or trailers). */
  private Status call(String method, boolean compressedFlag, byte[] payload) throws Exception {
    return call(method, Buffer.buffer().appendByte((byte) (compressedFlag ? 1 : 0)).appendInt(payload.length)
        .appendBytes(payload));
  }

  private Status call(String method, Buffer frame) throws Exception {
    return io.meso.testkit.OnContext.run(CTX, () -> http.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
            .setURI("/" + method).putHeader("content-type", "application/grpc").putHeader("te", "trailers"))
        .compose(req -> req.send(frame))
        .compose(resp -> resp.body().map(body -> {
          MultiMap where = resp.trailers().contains("grpc-status") ? resp.trailers() : resp.headers();
          String message = where.get("grpc-message");
          return new Status(Integer.parseInt(where.get("grpc-status")),
              message == null ? null : URLDecoder.decode(message, StandardCharsets.UTF_8));
        }))
        ).await(20, TimeUnit.SECONDS);
  }

  @Test
  void aCompressedMessageWithoutGrpcEncodingIsInternal() throws Exception {
    Status status = call("meso.api.Scheduler/Send", true, new byte[] {0x08, 0x01});
    assertThat(status.code()).isEqualTo(13);
    assertThat(status.message()).contains("compressed message without grpc-encoding");
  }

  @Test
  void garbageIsInvalidArgumentNamingTheMessageTypeAndTheReason() throws Exception {
    for (byte[] garbage : new byte[][] {{(byte) 0xff, (byte) 0xff, (byte) 0xff}, {0x0a, 0x64, 0x01}, {0x07}}) {
      Status status = call("meso.api.Scheduler/Send", false, garbage);
      assertThat(status.code()).isEqualTo(3);
      assertThat(status.message()).contains("mesos.v1.scheduler.Call").doesNotContain("null");
    }
    // A frame declaring far more bytes than the server takes: once answered "invalid: null".
    Status huge = call("meso.api.Scheduler/Send", Buffer.buffer().appendByte((byte) 0).appendInt(Integer.MAX_VALUE)
        .appendBytes(new byte[] {1, 2, 3}));
    assertThat(huge.code()).isEqualTo(3);
    assertThat(huge.message()).contains("mesos.v1.scheduler.Call", String.valueOf(Integer.MAX_VALUE))
        .doesNotContain("null");
  }

  @Test
  void operatorGarbageNamesTheOperatorRequestType() throws Exception {
    Status status = call("meso.api.Operator/GetTasks", false, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
    assertThat(status.code()).isEqualTo(3);
    assertThat(status.message()).contains("meso.api.GetTasksRequest");
  }
}
