package io.meso.allocator.verticle;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.allocator.AgentSpec;
import io.meso.allocator.Allocation;
import io.meso.allocator.AllocatorOptions;
import io.meso.allocator.FrameworkSpec;
import io.meso.allocator.Resources;
import io.meso.codecs.Addresses;
import io.meso.codecs.MesoCodecs;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class AllocatorVerticleTest {

  private static final Resources AGENT = Resources.parse("cpus:4;mem:1024");

  @BeforeEach
  void registerCodecs(Vertx vertx) {
    MesoCodecs.register(vertx);
  }

  @Test
  void commandsSentBackToBackAreFoldedIntoOneRunAndOneBatch(Vertx vertx, VertxTestContext ctx) {
    // An hour-long interval: only the commands can trigger runs here.
    AllocatorVerticle verticle = new AllocatorVerticle(new AllocatorOptions().setAllocationInterval(Duration.ofHours(1)));
    AllocatorClient client = new AllocatorClient(vertx.eventBus());
    vertx.eventBus().<AllocationBatch>localConsumer(Addresses.ALLOCATIONS, msg -> ctx.verify(() -> {
      // Had a run happened before the framework was added, it would have counted (with no batch).
      assertThat(msg.body().allocations()).extracting(Allocation::agentId).containsExactly("a1", "a2", "a3");
      assertThat(msg.body().allocations()).extracting(Allocation::frameworkId).containsOnly("f");
      assertThat(verticle.runCount()).isEqualTo(1);
      assertThat(verticle.offerCount()).isEqualTo(3);
      ctx.completeNow();
    }));
    vertx.deployVerticle(verticle).onComplete(ctx.succeeding(id -> verticle.context().runOnContext(v -> {
      client.addAgent("a1", spec("a1"), Map.of());
      client.addAgent("a2", spec("a2"), Map.of());
      client.addFramework("f", FrameworkSpec.of("r"), Map.of(), true);
      client.addAgent("a3", spec("a3"), Map.of());
    })));
  }

  @Test
  void intervalTimerReOffersDeclinedResourcesOnceTheFilterExpires(Vertx vertx, VertxTestContext ctx) {
    AllocatorVerticle verticle = new AllocatorVerticle(
        new AllocatorOptions().setAllocationInterval(Duration.ofMillis(100)));
    AllocatorClient client = new AllocatorClient(vertx.eventBus());
    AtomicInteger batches = new AtomicInteger();
    AtomicLong declinedAt = new AtomicLong();
    vertx.eventBus().<AllocationBatch>localConsumer(Addresses.ALLOCATIONS, msg -> ctx.verify(() -> {
      assertThat(msg.body().allocations()).singleElement().satisfies(a -> {
        assertThat(a.agentId()).isEqualTo("a1");
        assertThat(a.resources()).isEqualTo(AGENT);
      });
      if (batches.incrementAndGet() == 1) {
        declinedAt.set(System.nanoTime());
        client.recoverResources("f", "a1", AGENT, 0.3);
      } else {
        // The filter starts when the decline is applied, after declinedAt: 300 ms at least.
        assertThat(System.nanoTime() - declinedAt.get()).isGreaterThanOrEqualTo(300_000_000L);
        assertThat(verticle.runCount()).isGreaterThanOrEqualTo(3); // the event run, then timer runs
        ctx.completeNow();
      }
    }));
    vertx.deployVerticle(verticle).onComplete(ctx.succeeding(id -> {
      client.addFramework("f", FrameworkSpec.of("r"), Map.of(), true);
      client.addAgent("a1", spec("a1"), Map.of());
    }));
  }

  private static AgentSpec spec(String id) {
    return new AgentSpec(id + ".example", AGENT, Map.of());
  }
}
