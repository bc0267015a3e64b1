package io.meso.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.meso.proto.ReadFileRequest;
import io.meso.proto.ReadFileResponse;
import io.meso.v1.FrameworkID;
import io.meso.v1.TaskID;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tail whose reader fails by throwing (a closed gRPC client throws "Client is closed" instead
 * of failing its future) keeps polling quietly: nothing escapes to Vert.x, which would print a
 * stack trace under {@code meso run}'s output.
 */
class SandboxTailTest {

  Vertx vertx;
  final List<Throwable> escaped = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    vertx.exceptionHandler(escaped::add);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aReaderThatThrowsFailsTheReadAndTheTailCarriesOn() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    SandboxTail tail = new SandboxTail(vertx, request -> {
      // Throws on the first three reads, then serves the file once.
      if (calls.incrementAndGet() <= 3) {
        throw new IllegalStateException("Client is closed");
      }
      byte[] data = request.getOffset() == 0 ? "hello\n".getBytes(StandardCharsets.UTF_8) : new byte[0];
      return Future.succeededFuture(ReadFileResponse.newBuilder().setData(ByteString.copyFrom(data)).build());
    }, FrameworkID.newBuilder().setValue("f").build(), TaskID.newBuilder().setValue("t").build(), "stdout", 10,
        bytes -> sink.writeBytes(bytes));
    vertx.runOnContext(v -> tail.start());
    await().atMost(Duration.ofSeconds(20)).until(() -> calls.get() > 5);
    tail.finish().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(escaped).as("exceptions that reached Vert.x").isEmpty();
    assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo("hello\n");
  }

  @Test
  void aClosedOperatorClientFailsItsCallsInsteadOfThrowing() throws Exception {
    GrpcOperatorClient operator = new GrpcOperatorClient(vertx, "127.0.0.1", 1);
    operator.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    Future<ReadFileResponse> read = operator.readFile(ReadFileRequest.newBuilder().setPath("stdout").build());
    await().atMost(Duration.ofSeconds(10)).until(read::isComplete);
    assertThat(read.failed()).isTrue();
    assertThat(read.cause()).isInstanceOf(ApiException.class);
  }
}
