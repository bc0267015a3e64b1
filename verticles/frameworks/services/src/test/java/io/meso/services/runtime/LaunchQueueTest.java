package io.meso.services.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.services.app.App;
import io.meso.services.placement.AgentFacts;
import io.meso.v1.AgentID;
import io.meso.v1.Offer;
import io.meso.v1.OfferID;
import io.meso.v1.Resource;
import io.meso.v1.Value;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Matching an offer against the launch queue: as many waiting instances as the offer holds; where
 * an app's instances already run is looked up only for apps with constraints (the lookup visits
 * every instance, and every offer is matched: asked for every app, it made each offer cost as much
 * as the instances there are), and then it is honoured, including the instances this offer takes.
 */
class LaunchQueueTest {

  private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.678Z");

  /** An offer of {@code host} with 1 cpu, 1024 MB and ports 31000-31099. */
  private static Offer offer(String host) {
    return Offer.newBuilder().setId(OfferID.newBuilder().setValue("offer-" + host))
        .setAgentId(AgentID.newBuilder().setValue("agent-" + host)).setHostname(host)
        .addResources(scalar("cpus", 1)).addResources(scalar("mem", 1024))
        .addResources(Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
            .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(31000).setEnd(31099))))
        .build();
  }

  private static Resource scalar(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).build();
  }

  private static App app(String id, JsonArray constraints) {
    JsonObject json = new JsonObject().put("id", id).put("cmd", "sleep 60").put("instances", 5).put("cpus", 0.1)
        .put("mem", 32);
    if (constraints != null) {
      json.put("constraints", constraints);
    }
    return TaskInfosTest.app(json);
  }

  /** Where instances run, as the runtime would answer, counting how often it is asked. */
  private static final class Placed implements Function<App, List<AgentFacts>> {
    final List<AgentFacts> agents = new ArrayList<>();
    int asked;

    @Override
    public List<AgentFacts> apply(App app) {
      asked++;
      return agents;
    }
  }

  @Test
  void anUnconstrainedAppTakesWhatFitsWithoutLookingUpWhereItsInstancesRun() {
    LaunchQueue queue = new LaunchQueue();
    queue.add(app("/free", null), 15, NOW);
    Placed placed = new Placed();

    List<LaunchQueue.Launch> first = queue.match(offer("h1"), NOW, placed);
    List<LaunchQueue.Launch> second = queue.match(offer("h2"), NOW, placed);

    assertThat(first).as("1 cpu holds 10 instances of 0.1").hasSize(10);
    assertThat(second).hasSize(5);
    assertThat(queue.anyWaiting()).isFalse();
    assertThat(placed.asked).isZero();
  }

  @Test
  void aConstrainedAppHonoursWhereItsInstancesRunAndWhatThisOfferTakes() {
    LaunchQueue queue = new LaunchQueue();
    queue.add(app("/unique", new JsonArray().add(new JsonArray().add("hostname").add("UNIQUE"))), 3, NOW);
    Placed placed = new Placed();
    placed.agents.add(AgentFacts.of(offer("h1")));

    assertThat(queue.match(offer("h1"), NOW, placed)).as("h1 already runs one").isEmpty();
    assertThat(queue.match(offer("h2"), NOW, placed)).as("one per host, though h2 has room for 10").hasSize(1);
    assertThat(placed.asked).isEqualTo(2);
    assertThat(queue.waiting(app("/unique", null).id())).isEqualTo(2);
  }
}
