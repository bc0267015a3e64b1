package io.meso.services.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.meso.cluster.ClusterOptions;
import io.meso.cluster.MesoCluster;
import io.meso.ha.LeaderElection;
import io.meso.ha.Registry;
import io.meso.services.app.App;
import io.meso.services.app.AppChange;
import io.meso.services.app.PathId;
import io.meso.services.deploy.DeploymentPlan;
import io.meso.services.deploy.DeploymentProgress;
import io.meso.services.placement.AgentFacts;
import io.meso.v1.TaskState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The store on a real Hazelcast member (loopback, a cluster of its own) under real leader
 * elections (Hazelcast's single-member CP mode, as one master runs): writes land in order per key,
 * the barrier waits for them, a new leader loads what the old one wrote, and the old one's next
 * write is refused, which stops its store.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ServicesStoreTest {

  static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123Z");

  HazelcastInstance hazelcast;
  Registry registry;
  final List<LeaderElection> elections = new ArrayList<>();

  @BeforeEach
  void start() {
    hazelcast = Hazelcast.newHazelcastInstance(MesoCluster.hazelcastConfig(clusterOptions()));
    registry = new Registry(hazelcast);
  }

  /** The member's options (a subclass runs every test with a cluster secret: sealed registry values). */
  ClusterOptions clusterOptions() {
    return ClusterOptions.loopbackForTest();
  }

  @AfterEach
  void stop() {
    elections.forEach(LeaderElection::close);
    if (hazelcast != null) {
      hazelcast.getLifecycleService().terminate();
    }
  }

  /** Stands a candidate for election and waits until it leads; returns its fence. */
  long elect(String name) throws Exception {
    CompletableFuture<Long> fence = new CompletableFuture<>();
    LeaderElection election = new LeaderElection(hazelcast, name, "127.0.0.1:1", new LeaderElection.Listener() {
      @Override
      public void elected(long f) {
        fence.complete(f);
      }

      @Override
      public void deposed(String why) {}
    });
    elections.add(election);
    election.start();
    return fence.get(60, TimeUnit.SECONDS);
  }

  static StoredInstance instance(String id, int failures) {
    return new StoredInstance(id, id + "._app.1", PathId.absolute("/web"), T0, "agent-1",
        AgentFacts.of("127.0.0.1", List.of()), List.of(31000), T0, TaskState.TASK_RUNNING, T0, T0, true, T0, T0,
        null, null, failures, "NONE", false);
  }

  @Test
  void writesToOneKeyLandInTheOrderTheyWereMadeAndTheBarrierWaitsForThem() throws Exception {
    ServicesStore store = new ServicesStore(registry, elect("a"));
    store.load();
    // Every value the map takes for the key, in the order it takes them.
    List<Integer> seen = new CopyOnWriteArrayList<>();
    hazelcast.<String, Registry.Fenced>getMap("meso.registry." + ServicesStore.INSTANCES).addEntryListener(
        (EntryAddedListener<String, Registry.Fenced> & EntryUpdatedListener<String, Registry.Fenced>)
            new Recorder(seen), "web.instance-1", true);
    for (int n = 0; n < 300; n++) {
      store.save(instance("web.instance-1", n));
    }
    assertThat(store.barrier().get(30, TimeUnit.SECONDS)).isTrue();
    StoredInstance last = StoreCodec.decodeInstance(registry.read(ServicesStore.INSTANCES).get("web.instance-1"));
    assertThat(last.consecutiveFailures()).isEqualTo(299);
    await().atMost(Duration.ofSeconds(10)).until(() -> !seen.isEmpty() && seen.get(seen.size() - 1) == 299);
    assertThat(seen).as("values written, in order; values waiting behind a write are replaced by newer ones")
        .isSorted().doesNotHaveDuplicates();
    assertThat(seen.get(0)).isZero();
  }

  /** Records the consecutiveFailures of each value the key takes. */
  record Recorder(List<Integer> seen) implements EntryAddedListener<String, Registry.Fenced>,
      EntryUpdatedListener<String, Registry.Fenced> {
    @Override
    public void entryAdded(com.hazelcast.core.EntryEvent<String, Registry.Fenced> e) {
      seen.add(StoreCodec.decodeInstance(e.getValue().value()).consecutiveFailures());
    }

    @Override
    public void entryUpdated(com.hazelcast.core.EntryEvent<String, Registry.Fenced> e) {
      entryAdded(e);
    }
  }

  @Test
  void aNewLeaderLoadsWhatTheOldOneWroteAndTheOldOnesNextWriteStopsIt() throws Exception {
    long first = elect("first");
    ServicesStore old = new ServicesStore(registry, first);
    assertThat(old.load()).isEqualTo(StoredState.EMPTY);
    List<String> stops = new CopyOnWriteArrayList<>();
    old.onStop(stops::add);

    App web = App.builder(PathId.absolute("/web")).cmd("sleep 100").instances(2).build()
        .withVersion(T0, io.meso.services.app.VersionInfo.forNewConfig(T0));
    App restarted = AppChange.restarted(web, T0.plusSeconds(60));
    DeploymentPlan plan = DeploymentPlan.of("d1", Map.of(web.id(), web), Map.of(web.id(), restarted),
        restarted.version(), Map.of());
    StoredDeployment deployment = new StoredDeployment(plan, new DeploymentProgress(1, List.of(),
        List.of(new DeploymentProgress.Restarting(false, List.of("web.instance-1"), List.of("web.instance-1"),
            new io.meso.services.placement.RollingRestart(2, 3, 2, 1, 1, 0), DeploymentProgress.Readiness.NONE))));
    StoredLaunches launches = new StoredLaunches(web.id(), new StoredLaunches.Queued(restarted.version(), 1, T0), null);
    old.saveFrameworkId("fw-1");
    old.save(new StoredApp(restarted, List.of(web, restarted)));
    old.save(deployment);
    old.save(instance("web.instance-1", 0));
    old.save(instance("web.instance-2", 0));
    old.removeInstance("web.instance-2");
    old.save(launches);
    assertThat(old.barrier().get(30, TimeUnit.SECONDS)).isTrue();

    // The old leader stands down without knowing (as one that froze would); another is elected.
    elections.get(0).close();
    long second = elect("second");
    assertThat(second).isGreaterThan(first);
    StoredState loaded = new ServicesStore(registry, second).load();
    assertThat(loaded.frameworkId()).isEqualTo("fw-1");
    assertThat(loaded.apps()).containsExactly(new StoredApp(restarted, List.of(web, restarted)));
    assertThat(loaded.deployments()).hasSize(1);
    assertThat(loaded.deployments().get(0).progress()).isEqualTo(deployment.progress());
    assertThat(loaded.instances()).containsExactly(instance("web.instance-1", 0));
    assertThat(loaded.launches()).containsExactly(launches);
    assertThat(loaded.unreadable()).isEmpty();

    // The old leader's framework goes on writing: refused, and its store stops for good.
    old.save(instance("web.instance-1", 7));
    assertThat(old.barrier().get(30, TimeUnit.SECONDS)).isFalse();
    assertThat(stops).hasSize(1);
    assertThat(stops.get(0)).contains("services-instances/web.instance-1 was refused: a newer leader holds the store");
    assertThat(old.stoppedBecause()).isEqualTo(stops.get(0));
    old.save(instance("web.instance-3", 0));
    assertThat(old.barrier().get(30, TimeUnit.SECONDS)).isFalse();
    assertThat(registry.read(ServicesStore.INSTANCES)).containsOnlyKeys("web.instance-1");
    assertThat(StoreCodec.decodeInstance(registry.read(ServicesStore.INSTANCES).get("web.instance-1"))
        .consecutiveFailures()).isZero();
    assertThat(stops).hasSize(1);
  }

  @Test
  void anUnreadableValueIsLeftOutAndNamed() throws Exception {
    long fence = elect("a");
    registry.put(fence, ServicesStore.INSTANCES, "broken", "{}".getBytes(StandardCharsets.UTF_8))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    ServicesStore store = new ServicesStore(registry, fence);
    store.save(instance("web.instance-1", 0));
    assertThat(store.barrier().get(30, TimeUnit.SECONDS)).isTrue();
    StoredState state = store.load();
    assertThat(state.instances()).containsExactly(instance("web.instance-1", 0));
    assertThat(state.unreadable()).singleElement().asString()
        .startsWith("services-instances/broken: agent is missing; expected a JSON object");
  }
}
