package io.meso.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.api.server.ApiServerOptions;
import io.meso.api.server.ApiServerVerticle;
import io.meso.cluster.MesoCluster;
import io.meso.it.Launches;
import io.meso.testkit.OnContext;
import io.meso.master.MasterOptions;
import io.meso.master.MasterVerticle;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link SchedulerClient} promises a framework, whichever transport carries it, run
 * against a real master, allocator, agent and API server in this JVM (127.0.0.1, port 0). Each
 * implementation runs it through a subclass that says how to make a client.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class SchedulerClientContract {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  static Vertx vertx;
  static MasterVerticle master;
  static int apiPort;
  /** Every client call starts here (Vert.x 5.0.7's HTTP client, see {@link OnContext}). */
  static Context context;

  /** The clients a test made, newest last: the last one holding a subscription tears it down. */
  private final List<SchedulerClient> clients = new ArrayList<>();

  /** A new client of the master whose API server listens on 127.0.0.1:{@code apiPort}. */
  abstract SchedulerClient newClient(Vertx vertx, int apiPort);

  @BeforeAll
  static void startMasterAndAgent() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    master = new MasterVerticle(new MasterOptions().setAllocationIntervalMillis(100));
    vertx.deployVerticle(master).await(30, TimeUnit.SECONDS);
    vertx.deployVerticle(new AgentVerticle(new AgentOptions()
            .setWorkDir(Files.createTempDirectory("meso-client-contract").toString())
            .setResources("cpus:2;mem:1024;disk:1000").setUsageIntervalMillis(200)))
        .await(30, TimeUnit.SECONDS);
    ApiServerVerticle api = new ApiServerVerticle(new ApiServerOptions().setHost("127.0.0.1").setPort(0));
    vertx.deployVerticle(api).await(30, TimeUnit.SECONDS);
    apiPort = api.actualPort();
    context = vertx.getOrCreateContext();
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @AfterEach
  void tearDownFrameworks() throws Exception {
    for (int i = clients.size() - 1; i >= 0; i--) {
      SchedulerClient c = clients.get(i);
      try {
        on(c::teardown);
      } catch (Exception alreadyGone) {
        // failed over, closed or never subscribed: its framework is torn down by a newer client
      }
      on(c::close);
    }
  }

  private SchedulerClient client() throws Exception {
    SchedulerClient c = on(() -> Future.succeededFuture(newClient(vertx, apiPort)));
    clients.add(c);
    return c;
  }

  private static <T> T on(Supplier<Future<T>> call) throws Exception {
    return OnContext.run(context, call).await(30, TimeUnit.SECONDS);
  }

  private static FrameworkInfo info(String name) {
    return FrameworkInfo.newBuilder().setName(name).setUser(System.getProperty("user.name"))
        .setFailoverTimeout(60).build();
  }

  /** Records a subscription's events and acknowledges every update, keeping each acknowledgement. */
  static final class Recorder {
    final List<Event> events = new CopyOnWriteArrayList<>();
    final List<Future<Void>> acks = new CopyOnWriteArrayList<>();
    private final SchedulerClient client;

    Recorder(SchedulerClient client) {
      this.client = client;
    }

    void onEvent(Event event) {
      events.add(event);
      if (event.getType() == Event.Type.UPDATE && event.getUpdate().getStatus().hasUuid()) {
        acks.add(client.acknowledge(event.getUpdate().getStatus()));
      }
    }

    List<Offer> offers() {
      return events.stream().filter(e -> e.getType() == Event.Type.OFFERS)
          .flatMap(e -> e.getOffers().getOffersList().stream()).toList();
    }

    Offer awaitOffer(int seen) {
      await().atMost(TIMEOUT).until(() -> offers().size() > seen);
      return offers().get(seen);
    }

    List<TaskStatus> updates(String taskId) {
      return events.stream().filter(e -> e.getType() == Event.Type.UPDATE)
          .map(e -> e.getUpdate().getStatus())
          .filter(s -> s.getTaskId().getValue().equals(taskId)).toList();
    }

    TaskStatus awaitUpdate(String taskId, Predicate<TaskStatus> which) {
      await().atMost(TIMEOUT).until(() -> updates(taskId).stream().anyMatch(which));
      return updates(taskId).stream().filter(which).findFirst().orElseThrow();
    }
  }

  private Recorder subscribed(SchedulerClient client, FrameworkInfo info) throws Exception {
    Recorder r = new Recorder(client);
    on(() -> client.subscribe(info, r::onEvent));
    return r;
  }

  /** Launches a task that runs until killed (the framework's teardown) and waits for it to run. */
  private static void runLongTask(SchedulerClient client, Recorder r, String taskId) throws Exception {
    Offer offer = r.awaitOffer(0);
    on(() -> launch(client, offer, taskId, "sleep 1000"));
    r.awaitUpdate(taskId, s -> s.getState() == TaskState.TASK_RUNNING);
  }

  /** Asks for these tasks' state. */
  private static void reconcile(SchedulerClient client, String... taskIds) throws Exception {
    List<Call.Reconcile.Task> tasks = new ArrayList<>();
    for (String id : taskIds) {
      tasks.add(Call.Reconcile.Task.newBuilder().setTaskId(TaskID.newBuilder().setValue(id)).build());
    }
    on(() -> client.reconcile(tasks));
  }

  private static Future<Void> launch(SchedulerClient client, Offer offer, String taskId, String command) {
    return client.accept(List.of(offer.getId()),
        List.of(Launches.launch(Launches.task(taskId, offer, command, 0.1, 32))), null);
  }

  @Test
  void subscribingGetsSubscribedThenAnOffer() throws Exception {
    SchedulerClient client = client();
    Recorder r = new Recorder(client);
    FrameworkID id = on(() -> client.subscribe(info("contract-subscribe"), r::onEvent));

    assertThat(id.getValue()).isNotEmpty();
    assertThat(client.frameworkId()).isEqualTo(id);
    assertThat(r.events.get(0).getType()).isEqualTo(Event.Type.SUBSCRIBED);
    assertThat(r.events.get(0).getSubscribed().getFrameworkId()).isEqualTo(id);
    Offer offer = r.awaitOffer(0);
    assertThat(offer.getFrameworkId()).isEqualTo(id);
    assertThat(offer.getResourcesList()).extracting(res -> res.getName()).contains("cpus", "mem");
  }

  @Test
  void aLaunchedTaskFinishesAndEveryUpdateIsAcknowledged() throws Exception {
    SchedulerClient client = client();
    Recorder r = subscribed(client, info("contract-launch"));
    Offer offer = r.awaitOffer(0);

    on(() -> launch(client, offer, "contract-ok", "true"));

    // The agent sends a task's next update only once the previous one is acknowledged, so
    // FINISHED after STARTING and RUNNING means their acknowledgements went through.
    r.awaitUpdate("contract-ok", s -> s.getState() == TaskState.TASK_FINISHED);
    assertThat(r.updates("contract-ok")).extracting(TaskStatus::getState)
        .containsSubsequence(TaskState.TASK_STARTING, TaskState.TASK_RUNNING, TaskState.TASK_FINISHED);
    assertThat(r.updates("contract-ok")).allSatisfy(s -> assertThat(s.getUuid().size()).isEqualTo(16));
    await().atMost(TIMEOUT).until(() -> r.acks.size() >= 3 && r.acks.stream().allMatch(Future::isComplete));
    assertThat(r.acks).allSatisfy(ack -> assertThat(ack.succeeded()).as(String.valueOf(ack.cause())).isTrue());
  }

  @Test
  void aDeclinedAgentIsNotOfferedAgainUntilRevive() throws Exception {
    SchedulerClient client = client();
    Recorder r = subscribed(client, info("contract-decline"));
    Offer offer = r.awaitOffer(0);

    on(() -> client.decline(List.of(offer.getId()), 3600));
    int offersSoFar = r.offers().size();
    // Five allocation runs (100 ms apart) later the filtered agent has not been offered again.
    long runs = master.allocatorVerticle().runCount();
    await().atMost(TIMEOUT).until(() -> master.allocatorVerticle().runCount() >= runs + 5);
    assertThat(r.offers()).hasSize(offersSoFar);

    on(() -> client.revive());
    assertThat(r.awaitOffer(offersSoFar).getAgentId()).isEqualTo(offer.getAgentId());
  }

  @Test
  void reconcileAnswersForKnownAndUnknownTasks() throws Exception {
    SchedulerClient client = client();
    Recorder r = subscribed(client, info("contract-reconcile"));
    runLongTask(client, r, "contract-long");

    reconcile(client, "contract-long", "contract-never");

    TaskStatus known = r.awaitUpdate("contract-long", s -> s.getReason() == TaskStatus.Reason.REASON_RECONCILIATION);
    assertThat(known.getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(known.hasUuid()).as("a reconciliation update is not acknowledged").isFalse();
    // Not partition-aware: a task the master never knew is TASK_LOST.
    TaskStatus unknown = r.awaitUpdate("contract-never", s -> s.getReason() == TaskStatus.Reason.REASON_RECONCILIATION);
    assertThat(unknown.getState()).isEqualTo(TaskState.TASK_LOST);
  }

  @Test
  void aSecondSubscriptionWithTheSameIdFailsTheFirstOver() throws Exception {
    SchedulerClient first = client();
    AtomicReference<Throwable> firstLost = new AtomicReference<>();
    first.disconnectHandler(firstLost::set);
    Recorder firstEvents = new Recorder(first);
    FrameworkID id = on(() -> first.subscribe(info("contract-failover"), firstEvents::onEvent));

    SchedulerClient second = client();
    Recorder secondEvents = new Recorder(second);
    FrameworkID again = on(() -> second.subscribe(info("contract-failover").toBuilder().setId(id).build(),
        secondEvents::onEvent));

    assertThat(again).isEqualTo(id);
    await().atMost(TIMEOUT).until(() -> firstLost.get() != null);
    assertThat(firstEvents.events).last().extracting(Event::getType).isEqualTo(Event.Type.ERROR);
    assertThat(firstLost.get()).isInstanceOf(ApiException.class)
        .hasMessage(firstEvents.events.get(firstEvents.events.size() - 1).getError().getMessage());
    // The new subscription is the framework's: it gets the offers.
    secondEvents.awaitOffer(0);
  }

  @Test
  void closingLeavesTheFrameworkAndItsTasksForTheNextSubscription() throws Exception {
    SchedulerClient first = client();
    AtomicReference<Throwable> firstLost = new AtomicReference<>();
    first.disconnectHandler(firstLost::set);
    Recorder r = subscribed(first, info("contract-close"));
    FrameworkID id = first.frameworkId();
    runLongTask(first, r, "contract-stays");

    on(first::close);

    SchedulerClient next = client();
    Recorder after = new Recorder(next);
    FrameworkID again = on(() -> next.subscribe(info("contract-close").toBuilder().setId(id).build(), after::onEvent));
    assertThat(again).isEqualTo(id);
    reconcile(next, "contract-stays");
    TaskStatus stays = after.awaitUpdate("contract-stays",
        s -> s.getReason() == TaskStatus.Reason.REASON_RECONCILIATION);
    assertThat(stays.getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(firstLost.get()).as("close() is not a disconnection to report").isNull();
  }

  @Test
  void taskUsageGivesTheAgentsSamplesOfTheFrameworksOwnTask() throws Exception {
    SchedulerClient client = client();
    Recorder r = subscribed(client, info("contract-usage"));
    runLongTask(client, r, "contract-usage");
    TaskID id = TaskID.newBuilder().setValue("contract-usage").build();

    io.meso.proto.GetTaskUsageResponse usage = await().atMost(TIMEOUT).until(() -> on(() -> client.taskUsage(id)),
        u -> u.getSamplesCount() >= 2);
    assertThat(usage.getTaskId()).isEqualTo(id);
    assertThat(usage.getFrameworkId()).isEqualTo(client.frameworkId());
    assertThat(usage.getState()).isEqualTo(TaskState.TASK_RUNNING);
    assertThat(usage.getIntervalSeconds()).isEqualTo(0.2);
    io.meso.v1.ResourceStatistics first = usage.getSamples(0);
    io.meso.v1.ResourceStatistics last = usage.getSamples(usage.getSamplesCount() - 1);
    assertThat(last.getTimestamp()).isGreaterThan(first.getTimestamp());
    assertThat(last.getCpusLimit()).isEqualTo(0.1);
    assertThat(last.hasCpusUserTimeSecs()).isTrue();

    Throwable failure = catchThrowable(() -> on(() -> client.taskUsage(TaskID.newBuilder().setValue("no-such-task").build())));
    Throwable api = failure;
    while (api != null && !(api instanceof ApiException)) {
      api = api.getCause();
    }
    assertThat(api).as(String.valueOf(failure)).isInstanceOf(ApiException.class);
    assertThat(((ApiException) api).code()).as(api.getMessage()).isEqualTo(ApiException.NOT_FOUND);
  }
}
