package io.meso.api.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.cluster.MesoCluster;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slowloris: a connection that does not finish its request's headers is closed after the idle
 * timeout, on the master's one HTTP port (API, scheduler HTTP API and web UI share it); an event
 * stream that carries heartbeats more often than that is not cut however long it lasts.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdleTimeoutTest {

  private static final long TIMEOUT_MILLIS = 300;
  /** How long a test waits for the server to close: far above the bound, for a loaded machine. */
  private static final int CLOSE_WITHIN_MILLIS = 15_000;

  private Vertx vertx;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    ApiServerVerticle server = new ApiServerVerticle(new ApiServerOptions().setPort(0)
        .setIdleTimeoutMillis(TIMEOUT_MILLIS));
    vertx.deployVerticle(server).await(30, TimeUnit.SECONDS);
    // A stream that never ends and beats three times per timeout, as SUBSCRIBE and /ui/events do (15 s for 30 s).
    server.router().get("/stream").handler(ctx -> {
      ctx.response().setChunked(true).write("first\n");
      long beat = vertx.setPeriodic(TIMEOUT_MILLIS / 3, id -> ctx.response().write("beat\n"));
      ctx.response().closeHandler(v -> vertx.cancelTimer(beat));
    });
    port = server.actualPort();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  /** Reads until the server closes (true) or nothing more came within {@code millis} (false). */
  private static boolean closedWithin(Socket socket, int millis) throws IOException {
    socket.setSoTimeout(millis);
    InputStream in = socket.getInputStream();
    try {
      while (in.read() >= 0) {
        // Skip what the server wrote.
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      // Reset by the server: closed too.
      return true;
    }
  }

  private static void send(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Test
  void aPartialRequestLineIsClosed() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      send(socket, "GET /hea");
      assertThat(closedWithin(socket, CLOSE_WITHIN_MILLIS)).isTrue();
    }
  }

  @Test
  void unfinishedHeadersAreClosed() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      send(socket, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a");
      assertThat(closedWithin(socket, CLOSE_WITHIN_MILLIS)).isTrue();
    }
  }

  @Test
  void aSilentConnectionIsClosed() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      assertThat(closedWithin(socket, CLOSE_WITHIN_MILLIS)).isTrue();
    }
  }

  @Test
  void aKeptAliveConnectionThatSendsNoMoreIsClosedToo() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      send(socket, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      byte[] ok = new byte[12];
      socket.setSoTimeout(CLOSE_WITHIN_MILLIS);
      assertThat(socket.getInputStream().readNBytes(ok, 0, ok.length)).isEqualTo(ok.length);
      assertThat(new String(ok, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
      send(socket, "GET /heal");
      assertThat(closedWithin(socket, CLOSE_WITHIN_MILLIS)).isTrue();
    }
  }

  @Test
  void aStreamWithHeartbeatsIsNotCut() throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      send(socket, "GET /stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      InputStream in = socket.getInputStream();
      socket.setSoTimeout(CLOSE_WITHIN_MILLIS);
      // Ten timeouts' worth of beats, the client sending nothing: the stream is still open.
      String received = "";
      while (countBeats(received) < 30) {
        byte[] chunk = new byte[256];
        int n = in.read(chunk);
        assertThat(n).as("the stream was closed after %s", received).isPositive();
        received += new String(chunk, 0, n, StandardCharsets.US_ASCII);
      }
    }
  }

  private static int countBeats(String s) {
    return s.split("beat", -1).length - 1;
  }
}
