package io.meso.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code meso agent} exits non-zero, closing its Vert.x, once its agent was marked gone by an operator. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentGoneExitTest {

  @Test
  void anAgentMarkedGoneEndsTheProcessWithTheGoneStatus() throws Exception {
    Vertx vertx = Vertx.vertx();
    CompletableFuture<Boolean> stopped = new CompletableFuture<>();
    vertx.deployVerticle(new io.vertx.core.VerticleBase() {
      @Override
      public io.vertx.core.Future<?> stop() throws Exception {
        stopped.complete(true);
        return super.stop();
      }
    }).await(30, TimeUnit.SECONDS);
    CompletableFuture<String> gone = new CompletableFuture<>();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
      try {
        return AgentCommand.waitForShutdownOrGone(vertx, gone);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(exit).isNotDone();
    gone.complete("Agent a-S0 was marked gone by the operator (MARK_AGENT_GONE)");
    assertThat(exit.get(30, TimeUnit.SECONDS)).isEqualTo(AgentCommand.EXIT_GONE).isNotZero();
    // Vert.x was closed (its deployments were stopped) before the exit status was returned.
    assertThat(stopped).isCompletedWithValue(true);
  }
}
