package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.cluster.MesoCluster;
import io.meso.codecs.Addresses;
import io.meso.it.Launches;
import io.meso.proto.GetStateRequest;
import io.meso.proto.GetStateResponse;
import io.meso.proto.GetTasksRequest;
import io.meso.proto.GetTasksResponse;
import io.meso.security.acl.Acls;
import io.meso.v1.AgentID;
import io.meso.v1.CommandInfo;
import io.meso.v1.Environment;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.Resource;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.Value;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The master's ACLs through the event bus, with the principal in {@link Addresses#PRINCIPAL_HEADER}
 * as every door sets it: each scheduler and operator action allowed for one principal and denied
 * (403 naming principal, action and object, nothing changed) for another; a framework hijack
 * refused while the live subscription keeps going; views filtered; secret values never shown.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MasterAclsTest {

  static final Duration TIMEOUT = Duration.ofSeconds(60);
  static final String ME = System.getProperty("user.name");
  static final String ACLS = """
      {
        "register_frameworks": [
          {"principals": {"values": ["web", "mallory"]}, "roles": {"values": ["web"]}},
          {"principals": {"values": ["batch"]}, "roles": {"values": ["batch"]}}
        ],
        "run_tasks": [{"principals": {"values": ["web", "batch"]}, "users": {"values": ["%1$s", "nobody"]}}],
        "reserve_resources": [{"principals": {"values": ["web"]}, "roles": {"values": ["web"]}}],
        "unreserve_resources": [{"principals": {"values": ["web"]}, "reserver_principals": {"values": ["ops"]}}],
        "kill_tasks": [{"principals": {"values": ["ops"]}, "framework_principals": {"values": ["web", "batch"]}}],
        "teardown_frameworks": [{"principals": {"values": ["ops"]}, "framework_principals": {"values": ["batch"]}}],
        "update_weights": [{"principals": {"values": ["ops"]}, "roles": {"values": ["web"]}}],
        "update_quotas": [{"principals": {"values": ["ops"]}, "roles": {"values": ["web"]}}],
        "drain_agents": [{"principals": {"values": ["ops"]}, "agents": {"type": "ANY"}}],
        "mark_agents_gone": [{"principals": {"values": ["ops"]}, "agents": {"type": "ANY"}}],
        "access_sandboxes": [{"principals": {"values": ["ops"]}, "users": {"type": "ANY"}}],
        "view_frameworks": [{"principals": {"values": ["ops", "viewer"]}, "users": {"type": "ANY"}}],
        "view_tasks": [{"principals": {"values": ["ops"]}, "users": {"type": "ANY"}},
                       {"principals": {"values": ["viewer"]}, "users": {"values": ["%1$s"]}}],
        "view_agents": [{"principals": {"values": ["ops"]}, "agents": {"type": "ANY"}}]
      }""".formatted(ME);

  static Vertx vertx;
  static String agentId;

  static AgentVerticle agent;

  @BeforeAll
  static void start() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    vertx.deployVerticle(new MasterVerticle(new MasterOptions().setAllocationIntervalMillis(100)
        .setAcls(Acls.parse(ACLS, "test")))).await(30, TimeUnit.SECONDS);
    agent = new AgentVerticle(new AgentOptions()
        .setWorkDir(Files.createTempDirectory("meso-acls").toString())
        .setResources("cpus:4;mem:1024;disk:100"));
    vertx.deployVerticle(agent).await(30, TimeUnit.SECONDS);
    Awaitility.await().atMost(TIMEOUT).until(() -> !state("ops").getAgentsList().isEmpty());
    agentId = state("ops").getAgents(0).getAgentInfo().getId().getValue();
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  // ---- a scheduler on the event bus whose calls carry a principal, as a door forwards it ----

  /** One subscription: its events, and calls sent from it with {@code principal}. */
  static final class Scheduler {
    final String principal;
    final String address = "meso.test.acl." + UUID.randomUUID();
    final List<Event> events = new CopyOnWriteArrayList<>();
    MessageConsumer<Event> consumer;

    Scheduler(String principal) {
      this.principal = principal;
    }

    DeliveryOptions options() {
      DeliveryOptions o = new DeliveryOptions().setSendTimeout(30_000);
      if (principal != null) {
        o.addHeader(Addresses.PRINCIPAL_HEADER, principal);
      }
      return o;
    }

    /** Subscribes; throws the master's refusal. */
    Scheduler subscribe(FrameworkInfo info) throws Exception {
      consumer = vertx.eventBus().consumer(address, m -> {
        if (m.replyAddress() != null) {
          m.reply(null);
        }
        events.add(m.body());
        TaskStatus status = m.body().getUpdate().getStatus();
        if (m.body().getType() == Event.Type.UPDATE && status.hasUuid()) {
          // Acknowledge, as schedulers do, so the next update of the task follows.
          vertx.eventBus().request(Addresses.SCHEDULER, Call.newBuilder().setFrameworkId(id())
              .setType(Call.Type.ACKNOWLEDGE).setAcknowledge(Call.Acknowledge.newBuilder()
                  .setAgentId(status.getAgentId()).setTaskId(status.getTaskId()).setUuid(status.getUuid()))
              .build(), options().addHeader(Addresses.SUBSCRIPTION_HEADER, address));
        }
      });
      consumer.completion().await(30, TimeUnit.SECONDS);
      Call.Builder call = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
          .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info));
      if (info.hasId()) {
        call.setFrameworkId(info.getId());
      }
      try {
        vertx.eventBus().request(Addresses.SCHEDULER, call.build(), options().addHeader(Addresses.EVENTS_HEADER,
            address)).await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        consumer.unregister();
        throw e;
      }
      Awaitility.await().atMost(TIMEOUT).until(() -> first(Event.Type.SUBSCRIBED).isPresent());
      return this;
    }

    FrameworkID id() {
      return first(Event.Type.SUBSCRIBED).orElseThrow().getSubscribed().getFrameworkId();
    }

    Optional<Event> first(Event.Type type) {
      return events.stream().filter(e -> e.getType() == type).findFirst();
    }

    Offer awaitOffer() {
      Awaitility.await().atMost(TIMEOUT).until(() -> first(Event.Type.OFFERS).isPresent());
      Event offers = events.stream().filter(e -> e.getType() == Event.Type.OFFERS).reduce((a, b) -> b).orElseThrow();
      events.removeIf(e -> e.getType() == Event.Type.OFFERS);
      return offers.getOffers().getOffers(0);
    }

    TaskStatus awaitUpdate(String taskId, TaskState state) {
      try {
        Awaitility.await().atMost(TIMEOUT).until(() -> update(taskId, state).isPresent());
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError("no update " + state + " of " + taskId + " among " + events, e);
      }
      return update(taskId, state).orElseThrow();
    }

    Optional<TaskStatus> update(String taskId, TaskState state) {
      return events.stream().filter(e -> e.getType() == Event.Type.UPDATE).map(e -> e.getUpdate().getStatus())
          .filter(s -> s.getTaskId().getValue().equals(taskId) && s.getState() == state).findFirst();
    }

    void call(Call.Builder call) throws Exception {
      vertx.eventBus().request(Addresses.SCHEDULER, call.setFrameworkId(id()).build(),
          options().addHeader(Addresses.SUBSCRIPTION_HEADER, address)).await(30, TimeUnit.SECONDS);
    }

    void accept(Offer offer, Offer.Operation... ops) throws Exception {
      call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(Call.Accept.newBuilder()
          .addOfferIds(offer.getId()).addAllOperations(List.of(ops))));
    }
  }

  static FrameworkInfo framework(String name, String role) {
    return FrameworkInfo.newBuilder().setName(name).setUser(ME).setRole(role).build();
  }

  static Object operator(String action, Object body, String principal) throws Exception {
    DeliveryOptions o = new DeliveryOptions().addHeader(Addresses.ACTION_HEADER, action).setSendTimeout(30_000);
    if (principal != null) {
      o.addHeader(Addresses.PRINCIPAL_HEADER, principal);
    }
    return vertx.eventBus().request(Addresses.OPERATOR, body, o).await(30, TimeUnit.SECONDS).body();
  }

  static GetStateResponse state(String principal) throws Exception {
    return (GetStateResponse) operator("GetState", GetStateRequest.getDefaultInstance(), principal);
  }

  static GetTasksResponse tasks(String principal) throws Exception {
    return (GetTasksResponse) operator("GetTasks", GetTasksRequest.getDefaultInstance(), principal);
  }

  static void assertDenied(ThrowingCall call, String... parts) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(ReplyException.class, e -> {
      assertThat(e.failureCode()).isEqualTo(403);
      assertThat(e.getMessage()).contains(parts);
    });
  }

  interface ThrowingCall {
    void run() throws Exception;
  }

  static Resource cpus(double value, String role, String principal) {
    Resource.ReservationInfo.Builder r = Resource.ReservationInfo.newBuilder()
        .setType(Resource.ReservationInfo.Type.DYNAMIC).setRole(role);
    if (principal != null) {
      r.setPrincipal(principal);
    }
    return Resource.newBuilder().setName("cpus").setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).addReservations(r).build();
  }

  // ---- tests ---------------------------------------------------------------------------

  @Test
  @Order(1)
  void subscribeNeedsRegisterFrameworksForEveryRoleAndTheAuthenticatedPrincipal() throws Exception {
    assertDenied(() -> new Scheduler("web").subscribe(framework("w", "batch")),
        "principal 'web'", "register_frameworks", "role 'batch'");
    assertDenied(() -> new Scheduler(null).subscribe(framework("anon", "web")),
        "an unauthenticated request", "register_frameworks");
    assertDenied(() -> new Scheduler("web").subscribe(framework("w", "web").toBuilder().setPrincipal("batch").build()),
        "framework_info.principal 'batch' differs from the authenticated principal 'web'");
    assertThat(state("ops").getFrameworksList()).isEmpty();

    Scheduler web = new Scheduler("web").subscribe(framework("w", "web"));
    FrameworkInfo recorded = state("ops").getFrameworksList().stream()
        .filter(f -> f.getFrameworkInfo().getId().equals(web.id())).findFirst().orElseThrow().getFrameworkInfo();
    assertThat(recorded.getPrincipal()).isEqualTo("web");
    web.call(Call.newBuilder().setType(Call.Type.TEARDOWN));
  }

  @Test
  @Order(2)
  void aFrameworkIsReSubscribedOnlyByItsOwnPrincipal() throws Exception {
    Scheduler web = new Scheduler("web").subscribe(framework("owner", "web").toBuilder().setFailoverTimeout(60).build());
    FrameworkInfo again = framework("owner", "web").toBuilder().setId(web.id()).setFailoverTimeout(60).build();

    // mallory may register frameworks in role web, but not take web's over.
    assertDenied(() -> new Scheduler("mallory").subscribe(again),
        "framework '" + web.id().getValue() + "' was registered by principal 'web'",
        "principal 'mallory' may not subscribe as it");
    // Unauthenticated, even claiming web: register_frameworks (ANY principals only) refuses it first.
    assertDenied(() -> new Scheduler(null).subscribe(again.toBuilder().setPrincipal("web").build()),
        "an unauthenticated request", "register_frameworks");
    assertDenied(() -> new Scheduler("mallory").subscribe(again.toBuilder().setPrincipal("mallory").build()),
        "was registered by principal 'web'");
    // Calls from another principal for web's framework are refused too.
    Scheduler forged = new Scheduler("mallory");
    assertDenied(() -> vertx.eventBus().request(Addresses.SCHEDULER, Call.newBuilder().setType(Call.Type.REVIVE)
            .setFrameworkId(web.id()).build(), forged.options().addHeader(Addresses.SUBSCRIPTION_HEADER, web.address))
        .await(30, TimeUnit.SECONDS), "principal 'mallory' may not send calls for framework");

    // The live subscription keeps going: no ERROR event, its calls are still its own, offers still come.
    assertThat(web.first(Event.Type.ERROR)).isEmpty();
    web.call(Call.newBuilder().setType(Call.Type.REVIVE));
    web.awaitOffer();
    assertThat(state("ops").getFrameworksList()).anySatisfy(f -> {
      assertThat(f.getFrameworkInfo().getId()).isEqualTo(web.id());
      assertThat(f.getConnected()).isTrue();
      assertThat(f.getFrameworkInfo().getPrincipal()).isEqualTo("web");
    });

    // Its own principal fails it over.
    Scheduler failover = new Scheduler("web").subscribe(again);
    assertThat(failover.id()).isEqualTo(web.id());
    failover.call(Call.newBuilder().setType(Call.Type.TEARDOWN));
  }

  @Test
  @Order(3)
  void runTasksDeniedIsTaskErrorAndReservationsNeedTheirAcls() throws Exception {
    Scheduler web = new Scheduler("web").subscribe(framework("runner", "web"));
    Offer offer = web.awaitOffer();
    TaskInfo allowed = Launches.task("allowed", offer, "true", 0.1, 16);
    TaskInfo asRoot = Launches.task("as-root", offer, "true", 0.1, 16).toBuilder()
        .setCommand(CommandInfo.newBuilder().setValue("true").setUser("intruder")).build();
    web.accept(offer, Launches.launch(allowed, asRoot));
    TaskStatus error = web.awaitUpdate("as-root", TaskState.TASK_ERROR);
    assertThat(error.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_UNAUTHORIZED);
    assertThat(error.getMessage()).contains("principal 'web'", "run_tasks", "user 'intruder'");
    web.awaitUpdate("allowed", TaskState.TASK_FINISHED);

    // A task group with one unauthorized task is refused as a whole.
    Offer second = web.awaitOffer();
    Offer.Operation group = Offer.Operation.newBuilder().setType(Offer.Operation.Type.LAUNCH_GROUP)
        .setLaunchGroup(Offer.Operation.LaunchGroup.newBuilder().setTaskGroup(io.meso.v1.TaskGroupInfo.newBuilder()
            .addTasks(Launches.task("g-ok", second, "true", 0.1, 16))
            .addTasks(Launches.task("g-root", second, "true", 0.1, 16).toBuilder()
                .setCommand(CommandInfo.newBuilder().setValue("true").setUser("intruder")))))
        .build();
    web.accept(second, group);
    assertThat(web.awaitUpdate("g-ok", TaskState.TASK_ERROR).getReason())
        .isEqualTo(TaskStatus.Reason.REASON_TASK_GROUP_UNAUTHORIZED);

    // RESERVE for role web is allowed; UNRESERVE of a reservation web made is not (only ops's).
    Offer third = web.awaitOffer();
    web.accept(third, ReservationsTest.reserve(cpus(1, "web", "web")));
    Awaitility.await().atMost(TIMEOUT).until(() -> state("ops").getAgents(0).getTotalList().stream()
        .anyMatch(r -> r.getReservationsCount() > 0));
    web.call(Call.newBuilder().setType(Call.Type.REVIVE));
    Offer fourth = web.awaitOffer();
    assertDenied(() -> web.accept(fourth, ReservationsTest.unreserve(cpus(1, "web", "web"))),
        "principal 'web'", "unreserve_resources", "reserver principal 'web'");
    // The ACCEPT was refused before anything changed: the reservation is still there.
    assertThat(state("ops").getAgents(0).getTotalList()).anyMatch(r -> r.getReservationsCount() > 0);
    // RESERVE for a role web may not reserve for is refused the same way.
    assertDenied(() -> web.accept(fourth, ReservationsTest.reserve(cpus(0.5, "batch", null))),
        "principal 'web'", "reserve_resources", "role 'batch'");
    web.call(Call.newBuilder().setType(Call.Type.TEARDOWN));
  }

  @Test
  @Order(4)
  void operatorActionsNeedTheirAcls() throws Exception {
    Scheduler batch = new Scheduler("batch").subscribe(framework("batch", "batch"));
    Offer offer = batch.awaitOffer();
    batch.accept(offer, Launches.launch(Launches.task("sleeper", offer, "sleep 300", 0.1, 16)));
    batch.awaitUpdate("sleeper", TaskState.TASK_RUNNING);
    TaskID sleeper = TaskID.newBuilder().setValue("sleeper").build();

    // access_sandboxes: ops may list the sandbox, dev may not.
    io.meso.proto.ListFilesRequest list = io.meso.proto.ListFilesRequest.newBuilder().setTaskId(sleeper).build();
    assertDenied(() -> operator("ListFiles", list, "dev"), "principal 'dev'", "access_sandboxes", "user '" + ME + "'");
    assertDenied(() -> operator("ReadFile", io.meso.proto.ReadFileRequest.newBuilder().setTaskId(sleeper)
        .setPath("stdout").build(), null), "an unauthenticated request", "access_sandboxes");
    assertDenied(() -> operator("GetTaskUsage", io.meso.proto.GetTaskUsageRequest.newBuilder().setTaskId(sleeper)
        .build(), "dev"), "access_sandboxes");
    assertThat(operator("ListFiles", list, "ops")).isInstanceOf(io.meso.proto.ListFilesResponse.class);

    // update_weights / update_quotas: ops for role web only.
    io.meso.proto.SetWeightsRequest weights = io.meso.proto.SetWeightsRequest.newBuilder()
        .addWeights(io.meso.proto.RoleWeight.newBuilder().setRole("web").setWeight(2)).build();
    assertDenied(() -> operator("SetWeights", weights, "dev"), "principal 'dev'", "update_weights", "role 'web'");
    assertDenied(() -> operator("SetWeights", weights.toBuilder().addWeights(io.meso.proto.RoleWeight.newBuilder()
        .setRole("batch").setWeight(3)).build(), "ops"), "update_weights", "role 'batch'");
    operator("SetWeights", weights, "ops");
    io.meso.proto.SetQuotaRequest quota = io.meso.proto.SetQuotaRequest.newBuilder().addQuotas(
        io.meso.proto.RoleQuota.newBuilder().setRole("web").addLimits(io.meso.proto.ResourceQuantity.newBuilder()
            .setName("cpus").setValue(2))).build();
    assertDenied(() -> operator("SetQuota", quota, "dev"), "update_quotas", "role 'web'");
    operator("SetQuota", quota, "ops");

    // drain_agents.
    io.meso.proto.DrainAgentRequest drain = io.meso.proto.DrainAgentRequest.newBuilder()
        .setAgentId(AgentID.newBuilder().setValue(agentId)).setDrain(false).build();
    assertDenied(() -> operator("DrainAgent", drain, "dev"), "principal 'dev'", "drain_agents", agentId);
    operator("DrainAgent", drain, "ops");

    // kill_tasks: the task's framework principal is batch.
    io.meso.proto.KillTaskRequest kill = io.meso.proto.KillTaskRequest.newBuilder().setTaskId(sleeper).build();
    assertDenied(() -> operator("KillTask", kill, "dev"), "principal 'dev'", "kill_tasks",
        "framework principal 'batch'");
    assertThat(batch.update("sleeper", TaskState.TASK_KILLED)).isEmpty();
    operator("KillTask", kill, "ops");
    batch.awaitUpdate("sleeper", TaskState.TASK_KILLED);

    // teardown_frameworks.
    io.meso.proto.TeardownRequest teardown = io.meso.proto.TeardownRequest.newBuilder().setFrameworkId(batch.id())
        .build();
    assertDenied(() -> operator("Teardown", teardown, "web"), "principal 'web'", "teardown_frameworks",
        "framework principal 'batch'");
    assertThat(state("ops").getFrameworksList()).anyMatch(f -> f.getFrameworkInfo().getId().equals(batch.id()));
    operator("Teardown", teardown, "ops");
    assertThat(state("ops").getFrameworksList()).noneMatch(f -> f.getFrameworkInfo().getId().equals(batch.id()));
  }

  @Test
  @Order(5)
  void viewsAreFilteredAndSecretsNeverShown() throws Exception {
    Scheduler web = new Scheduler("web").subscribe(framework("viewed", "web"));
    Offer offer = web.awaitOffer();
    TaskInfo mine = Launches.task("mine", offer, "sleep 300", 0.1, 16).toBuilder()
        .setCommand(CommandInfo.newBuilder().setValue("sleep 300").setEnvironment(Environment.newBuilder()
            .addVariables(Environment.Variable.newBuilder().setName("TOKEN").setType(Environment.Variable.Type.SECRET)
                .setValue("hunter2-secret-value")))).build();
    TaskInfo nobodys = Launches.task("nobodys", offer, "true", 0.1, 16).toBuilder()
        .setCommand(CommandInfo.newBuilder().setValue("true").setUser("nobody")).build();
    web.accept(offer, Launches.launch(mine, nobodys));
    Awaitility.await().atMost(TIMEOUT).until(() -> tasks("ops").getTasksList().stream()
        .map(t -> t.getTask().getTaskId().getValue()).toList().containsAll(List.of("mine", "nobodys")));

    // viewer: frameworks yes, tasks of its user only, no agents.
    GetStateResponse viewed = state("viewer");
    assertThat(viewed.getFrameworksList()).anyMatch(f -> f.getFrameworkInfo().getId().equals(web.id()));
    assertThat(viewed.getAgentsList()).isEmpty();
    List<String> visible = tasks("viewer").getTasksList().stream().map(t -> t.getTask().getTaskId().getValue())
        .toList();
    assertThat(visible).contains("mine").doesNotContain("nobodys");
    // dev and an unauthenticated operator see nothing.
    for (String nobody : new String[] {"dev", null}) {
      assertThat(state(nobody).getFrameworksList()).isEmpty();
      assertThat(state(nobody).getAgentsList()).isEmpty();
      assertThat(tasks(nobody).getTasksList()).isEmpty();
    }
    // ops sees everything; the secret value is nowhere in what the master shows.
    assertThat(state("ops").getAgentsList()).hasSize(1);
    assertThat(state("ops").toString() + tasks("ops").toString()).doesNotContain("hunter2-secret-value");
  }

  @Test
  @Order(6)
  void markAgentGoneNeedsItsAcl() throws Exception {
    io.meso.proto.MarkAgentGoneRequest gone = io.meso.proto.MarkAgentGoneRequest.newBuilder()
        .setAgentId(AgentID.newBuilder().setValue(agentId)).build();
    assertDenied(() -> operator("MarkAgentGone", gone, "dev"), "principal 'dev'", "mark_agents_gone");
    assertThat(state("ops").getAgentsList()).hasSize(1);
    operator("MarkAgentGone", gone, "ops");
    Awaitility.await().atMost(TIMEOUT).until(() -> state("ops").getAgentsList().isEmpty());
    // The agent stops for good, its executor too: nothing of it is left in the cgroup hierarchies.
    agent.gone().await(60, TimeUnit.SECONDS);
    for (String controller : List.of("memory", "cpu", "pids")) {
      assertThat(java.nio.file.Path.of("/sys/fs/cgroup", controller, "meso", agentId)).doesNotExist();
    }
  }

  @Test
  @Order(7)
  void anEventBusClientWithAPrincipalIsAuthorizedAsIt() throws Exception {
    // As the built-in frameworks call the master (meso-services, meso-jobs).
    io.meso.scheduler.EventBusSchedulerClient denied = new io.meso.scheduler.EventBusSchedulerClient(vertx, "batch");
    assertThatThrownBy(() -> denied.subscribe(framework("client", "web"), e -> {}).await(30, TimeUnit.SECONDS))
        .hasMessageContaining("principal 'batch' is not authorized to register_frameworks for role 'web'");
    io.meso.scheduler.EventBusSchedulerClient allowed = new io.meso.scheduler.EventBusSchedulerClient(vertx, "batch");
    allowed.subscribe(framework("client", "batch"), e -> {}).await(30, TimeUnit.SECONDS);
    assertThat(state("ops").getFrameworksList()).anySatisfy(f ->
        assertThat(f.getFrameworkInfo().getPrincipal()).isEqualTo("batch"));
    allowed.teardown().await(30, TimeUnit.SECONDS);
  }
}
