package io.meso.cli;

import static io.meso.cli.AclDoors.ME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.cli.AclDoors.Refused;
import io.meso.cli.AclDoors.SchedulerDoor;
import io.meso.cli.AclDoors.Session;
import io.meso.it.Launches;
import io.meso.proto.DrainAgentRequest;
import io.meso.proto.GetQuotaRequest;
import io.meso.proto.GetRolesRequest;
import io.meso.proto.GetStateRequest;
import io.meso.proto.GetStateResponse;
import io.meso.proto.GetTaskUsageRequest;
import io.meso.proto.GetTasksRequest;
import io.meso.proto.GetTasksResponse;
import io.meso.proto.KillTaskRequest;
import io.meso.proto.MarkAgentGoneRequest;
import io.meso.proto.ReadFileRequest;
import io.meso.proto.ResourceQuantity;
import io.meso.proto.RoleQuota;
import io.meso.proto.RoleWeight;
import io.meso.proto.SetQuotaRequest;
import io.meso.proto.SetWeightsRequest;
import io.meso.proto.TeardownRequest;
import io.meso.scheduler.GrpcOperatorClient;
import io.meso.v1.AgentID;
import io.meso.v1.CommandInfo;
import io.meso.v1.FrameworkID;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.Offer;
import io.meso.v1.Resource;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.meso.v1.Value;
import io.meso.v1.scheduler.Call;
import io.meso.v1.scheduler.Event;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every ACL action, allowed for one principal and denied to another, on every door where the
 * action exists, against a real master, agent and API server on 127.0.0.1 with a credentials file
 * and an ACL file ({@link AclDoors}); every caller authenticates with HTTP Basic (or the SDK's
 * credentials), never a principal header. The allowed call does what it says; the denied one is
 * refused with the door's status (HTTP 403, gRPC PERMISSION_DENIED, event-bus 403, Marathon's
 * and Chronos's 403 bodies on /v2 and /v1/scheduler) naming principal, action and object, and
 * nothing changed. Views are filtered, including each later event of the operator SUBSCRIBE
 * stream and the UI's /ui/events. A framework hijack through HTTP, gRPC and the event bus is
 * refused while the victim's subscription keeps going.
 *
 * <pre>
 * action               sched HTTP  gRPC  event bus  operator HTTP  /v2  /v1/scheduler
 * register_frameworks      x        x       x
 * run_tasks                x        x       x                       x        x
 * reserve_resources        x        x       x
 * unreserve_resources      x        x       x
 * kill_tasks                        x       x           x
 * teardown_frameworks               x       x           x
 * update_weights                    x       x           x (UPDATE_WEIGHTS)
 * update_quotas                     x       x           x (UPDATE_QUOTA)
 * drain_agents                      x       x           x (DRAIN_AGENT, REACTIVATE_AGENT)
 * mark_agents_gone                  x       x           x
 * view_frameworks/tasks/agents      x       x           x (+ /state, SUBSCRIBE, /ui/events)
 * view_roles                        x       x           x (GET_ROLES)
 * access_sandboxes                  x       x           x (/files/read, /tasks/ID/usage)
 * update_apps, view_apps                                                x
 * update_jobs, view_jobs                                                         x
 * </pre>
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AclDoorsTest {

  /** Principals: web and mallory run frameworks, ops operates, dev may do nothing (but see one marker agent). */
  static final Map<String, String> SECRETS = Map.of("web", "web-secret", "mallory", "mallory-secret",
      "ops", "ops-secret", "dev", "dev-secret");

  static final String ACLS = """
      {
        "register_frameworks": [
          {"principals": {"values": ["web", "mallory"]}, "roles": {"values": ["web"]}},
          {"principals": {"values": ["meso-services", "meso-jobs"]}, "roles": {"type": "ANY"}}],
        "run_tasks": [
          {"principals": {"values": ["web"]}, "users": {"values": ["%1$s"]}},
          {"principals": {"values": ["meso-services", "meso-jobs"]}, "users": {"type": "ANY"}}],
        "reserve_resources": [{"principals": {"values": ["web"]}, "roles": {"values": ["web"]}}],
        "unreserve_resources": [{"principals": {"values": ["web"]}, "reserver_principals": {"values": ["web"]}}],
        "kill_tasks": [{"principals": {"values": ["ops"]}, "framework_principals": {"type": "ANY"}}],
        "teardown_frameworks": [{"principals": {"values": ["ops"]}, "framework_principals": {"type": "ANY"}}],
        "update_weights": [{"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}}],
        "update_quota": [{"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}}],
        "drain_agents": [{"principals": {"values": ["ops"]}, "agents": {"type": "ANY"}}],
        "mark_agent_gone": [{"principals": {"values": ["ops"]}, "agents": {"type": "ANY"}}],
        "access_sandboxes": [{"principals": {"values": ["ops"]}, "users": {"type": "ANY"}}],
        "view_frameworks": [{"principals": {"values": ["ops"]}, "users": {"type": "ANY"}}],
        "view_tasks": [{"principals": {"values": ["ops"]}, "users": {"type": "ANY"}}],
        "view_agents": [{"principals": {"values": ["ops"]}, "agents": {"type": "ANY"}},
                        {"principals": {"values": ["dev"]}, "agents": {"values": ["marker"]}}],
        "view_roles": [{"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}}],
        "update_apps": [{"principals": {"values": ["web"]}, "apps": {"values": ["/web/"]}}],
        "view_apps": [{"principals": {"values": ["web"]}, "apps": {"values": ["/web/"]}},
                      {"principals": {"values": ["ops"]}, "apps": {"type": "ANY"}}],
        "update_jobs": [{"principals": {"values": ["web"]}, "jobs": {"values": ["report-*"]}}],
        "view_jobs": [{"principals": {"values": ["web"]}, "jobs": {"values": ["report-*"]}},
                      {"principals": {"values": ["ops"]}, "jobs": {"type": "ANY"}}]
      }""".formatted(ME);

  static AclDoors doors;

  @BeforeAll
  static void start() throws Exception {
    doors = AclDoors.start(SECRETS, ACLS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (doors != null) {
      doors.close();
    }
  }

  // ---- helpers --------------------------------------------------------------------------

  interface Attempt {
    void run() throws Exception;
  }

  /** The attempt is refused with {@code status} and a message naming every part. */
  static void assertRefused(int status, Attempt attempt, String... parts) {
    assertThatThrownBy(attempt::run).isInstanceOfSatisfying(Refused.class, e -> {
      assertThat(e.status).as(e.getMessage()).isEqualTo(status);
      assertThat(e.getMessage()).contains(parts);
    });
  }

  static FrameworkInfo framework(String name) {
    return FrameworkInfo.newBuilder().setName(name).setUser(ME).setRole("web").build();
  }

  static GetStateResponse state(String principal) {
    return (GetStateResponse) doors.operatorBus("GetState", GetStateRequest.getDefaultInstance(), principal);
  }

  static GetTasksResponse tasks(String principal) {
    return (GetTasksResponse) doors.operatorBus("GetTasks", GetTasksRequest.getDefaultInstance(), principal);
  }

  static List<String> frameworkNames() {
    return state("ops").getFrameworksList().stream().map(f -> f.getFrameworkInfo().getName()).toList();
  }

  static TaskState taskState(String taskId) {
    return tasks("ops").getTasksList().stream().filter(t -> t.getTask().getTaskId().getValue().equals(taskId))
        .map(t -> t.getTask().getState()).reduce((a, b) -> b).orElse(null);
  }

  static io.meso.proto.AgentSummary agent() {
    return state("ops").getAgentsList().stream()
        .filter(a -> a.getAgentInfo().getId().getValue().equals(doors.agentId)).findFirst().orElseThrow();
  }

  static List<String> agentIds() {
    return state("ops").getAgentsList().stream().map(a -> a.getAgentInfo().getId().getValue()).toList();
  }

  static double reservedCpus() {
    return agent().getTotalList().stream()
        .filter(r -> r.getName().equals("cpus") && r.getReservationsCount() > 0)
        .mapToDouble(r -> r.getScalar().getValue()).sum();
  }

  static double reservedCpus(Offer offer) {
    return offer.getResourcesList().stream().filter(r -> r.getName().equals("cpus") && r.getReservationsCount() > 0)
        .mapToDouble(r -> r.getScalar().getValue()).sum();
  }

  static Resource cpus(double value, String role, String principal) {
    return Resource.newBuilder().setName("cpus").setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value)).addReservations(Resource.ReservationInfo.newBuilder()
            .setType(Resource.ReservationInfo.Type.DYNAMIC).setRole(role).setPrincipal(principal)).build();
  }

  static Offer.Operation reserve(Resource r) {
    return Offer.Operation.newBuilder().setType(Offer.Operation.Type.RESERVE)
        .setReserve(Offer.Operation.Reserve.newBuilder().addResources(r)).build();
  }

  static Offer.Operation unreserve(Resource r) {
    return Offer.Operation.newBuilder().setType(Offer.Operation.Type.UNRESERVE)
        .setUnreserve(Offer.Operation.Unreserve.newBuilder().addResources(r)).build();
  }

  static Call.Builder revive() {
    return Call.newBuilder().setType(Call.Type.REVIVE);
  }

  // ---- the scheduler doors --------------------------------------------------------------

  @ParameterizedTest
  @EnumSource(SchedulerDoor.class)
  @Order(1)
  void schedulerActionsAreAllowedAndDeniedOnEverySchedulerDoor(SchedulerDoor door) throws Exception {
    String d = door.name().toLowerCase();

    // register_frameworks: web may register in role web, dev may not.
    assertRefused(403, () -> doors.subscribe(door, "dev", framework("dev-" + d)),
        "principal 'dev'", "register_frameworks", "role 'web'");
    assertThat(frameworkNames()).doesNotContain("dev-" + d);
    Session web = doors.subscribe(door, "web", framework("web-" + d));
    assertThat(frameworkNames()).contains("web-" + d);

    // run_tasks (allowed) and reserve_resources (allowed): web launches as ME, then reserves 0.5 cpus for role web.
    Offer offer = web.awaitOffer();
    web.accept(offer, Launches.launch(Launches.task("ok-" + d, offer, "true", 0.1, 16)));
    web.awaitUpdate("ok-" + d, TaskState.TASK_FINISHED);
    web.call(revive());
    Offer more = web.awaitOffer(o -> reservedCpus(o) == 0);
    web.accept(more, reserve(cpus(0.5, "web", "web")));
    Awaitility.await().atMost(AclDoors.WAIT).until(() -> reservedCpus() == 0.5);
    web.teardown();
    web.close();

    // mallory may register in role web, but not reserve, unreserve web's reservation or run tasks.
    Session mallory = doors.subscribe(door, "mallory", framework("mallory-" + d));
    Offer held = mallory.awaitOffer(o -> reservedCpus(o) == 0.5);
    assertRefused(403, () -> mallory.accept(held, reserve(cpus(0.5, "web", "mallory"))),
        "principal 'mallory'", "reserve_resources", "role 'web'");
    assertRefused(403, () -> mallory.accept(held, unreserve(cpus(0.5, "web", "web"))),
        "principal 'mallory'", "unreserve_resources", "reserver principal 'web'");
    assertThat(reservedCpus()).isEqualTo(0.5);
    mallory.accept(held, Launches.launch(Launches.task("denied-" + d, held, "true", 0.1, 16)));
    TaskStatus error = mallory.awaitUpdate("denied-" + d, TaskState.TASK_ERROR);
    assertThat(error.getReason()).isEqualTo(TaskStatus.Reason.REASON_TASK_UNAUTHORIZED);
    assertThat(error.getMessage()).contains("principal 'mallory'", "run_tasks", "user '" + ME + "'");
    assertThat(mallory.update("denied-" + d, TaskState.TASK_RUNNING)).isEmpty();
    mallory.teardown();
    mallory.close();

    // unreserve_resources (allowed): web unreserves its own reservation.
    Session again = doors.subscribe(door, "web", framework("web-again-" + d));
    Offer reserved = again.awaitOffer(o -> reservedCpus(o) == 0.5);
    again.accept(reserved, unreserve(cpus(0.5, "web", "web")));
    Awaitility.await().atMost(AclDoors.WAIT).until(() -> reservedCpus() == 0);
    again.teardown();
    again.close();
  }

  @Test
  @Order(2)
  void aFrameworkHijackIsRefusedOnEverySchedulerDoorAndTheVictimKeepsItsSubscription() throws Exception {
    Session victim = doors.subscribe(SchedulerDoor.GRPC, "web",
        framework("victim").toBuilder().setFailoverTimeout(120).build());
    FrameworkInfo stolen = framework("victim").toBuilder().setId(victim.id).setFailoverTimeout(120).build();
    for (SchedulerDoor door : SchedulerDoor.values()) {
      // mallory may register frameworks in role web, but not subscribe as web's.
      assertRefused(403, () -> doors.subscribe(door, "mallory", stolen),
          "framework '" + victim.id.getValue() + "' was registered by principal 'web'", "principal 'mallory'");
      assertRefused(403, () -> doors.subscribe(door, "mallory", stolen.toBuilder().setPrincipal("web").build()),
          "differs from the authenticated principal 'mallory'");
    }
    // The victim's subscription is untouched: no ERROR, still connected as web, its calls accepted and
    // the updates of the task it launches reach it.
    Offer offer = victim.awaitOffer();
    victim.accept(offer, Launches.launch(Launches.task("victim-task", offer, "true", 0.1, 16)));
    victim.awaitUpdate("victim-task", TaskState.TASK_FINISHED);
    assertThat(victim.first(Event.Type.ERROR)).isEmpty();
    assertThat(state("ops").getFrameworksList()).anySatisfy(f -> {
      assertThat(f.getFrameworkInfo().getId()).isEqualTo(victim.id);
      assertThat(f.getConnected()).isTrue();
      assertThat(f.getFrameworkInfo().getPrincipal()).isEqualTo("web");
    });
    victim.teardown();
    victim.close();
  }

  // ---- the operator doors ---------------------------------------------------------------

  /** The operator doors; each method is one call of that door as a principal. */
  enum OperatorDoor {
    HTTP, GRPC, EVENT_BUS;

    private GrpcOperatorClient grpc(String principal) {
      return doors.grpcOperator(principal);
    }

    /** Frameworks, tasks and agents the principal sees, by each of this door's views. */
    List<String> views(String principal) {
      return switch (this) {
        case HTTP -> {
          JsonObject all = doors.operatorHttp(principal, new JsonObject().put("type", "GET_STATE"))
              .getJsonObject("get_state");
          JsonObject frameworks = doors.operatorHttp(principal, new JsonObject().put("type", "GET_FRAMEWORKS"));
          JsonObject tasks = doors.operatorHttp(principal, new JsonObject().put("type", "GET_TASKS"));
          JsonObject agents = doors.operatorHttp(principal, new JsonObject().put("type", "GET_AGENTS"));
          JsonObject v0 = new JsonObject(doors.get(principal, "/state"));
          yield List.of(
              "GET_STATE frameworks " + all.getJsonObject("get_frameworks").getJsonArray("frameworks", new JsonArray()).size(),
              "GET_STATE tasks " + all.getJsonObject("get_tasks").getJsonArray("tasks", new JsonArray()).size(),
              "GET_STATE agents " + all.getJsonObject("get_agents").getJsonArray("agents", new JsonArray()).size(),
              "GET_FRAMEWORKS " + frameworks.getJsonObject("get_frameworks").getJsonArray("frameworks", new JsonArray())
                  .size(),
              "GET_TASKS " + tasks.getJsonObject("get_tasks").getJsonArray("tasks", new JsonArray()).size(),
              "GET_AGENTS " + agents.getJsonObject("get_agents").getJsonArray("agents", new JsonArray()).size(),
              "/state frameworks " + v0.getJsonArray("frameworks", new JsonArray()).size(),
              "/state agents " + v0.getJsonArray("slaves", new JsonArray()).size());
        }
        case GRPC -> {
          GetStateResponse s = doors.await(() -> grpc(principal).getState());
          GetTasksResponse t = doors.await(() -> grpc(principal).getTasks(true));
          yield List.of("frameworks " + s.getFrameworksCount(), "agents " + s.getAgentsCount(),
              "tasks " + t.getTasksCount());
        }
        case EVENT_BUS -> List.of("frameworks " + state(principal).getFrameworksCount(),
            "agents " + state(principal).getAgentsCount(), "tasks " + tasks(principal).getTasksCount());
      };
    }

    /**
     * The roles the principal sees in GetRoles and GetQuota; on HTTP, the roles of GET_ROLES (all
     * of them, or those with a quota).
     */
    List<String> roles(String principal, boolean quota) {
      return switch (this) {
        case HTTP -> doors.operatorHttp(principal, new JsonObject().put("type", "GET_ROLES"))
            .getJsonObject("get_roles").getJsonArray("roles", new JsonArray()).stream()
            .map(r -> (JsonObject) r).filter(r -> !quota || r.containsKey("quota")).map(r -> r.getString("name"))
            .toList();
        case GRPC -> quota
            ? doors.await(() -> grpc(principal).getQuota()).getQuotasList().stream().map(RoleQuota::getRole).toList()
            : doors.await(() -> grpc(principal).getRoles()).getRolesList().stream().map(r -> r.getRole()).toList();
        case EVENT_BUS -> quota
            ? ((io.meso.proto.GetQuotaResponse) doors.operatorBus("GetQuota", GetQuotaRequest.getDefaultInstance(),
                principal)).getQuotasList().stream().map(RoleQuota::getRole).toList()
            : ((io.meso.proto.GetRolesResponse) doors.operatorBus("GetRoles", GetRolesRequest.getDefaultInstance(),
                principal)).getRolesList().stream().map(r -> r.getRole()).toList();
      };
    }

    /** The framework ids GetOfferSkips (GET_OFFER_SKIPS) names to the principal: its held offers' and its counts'. */
    List<String> offerSkipFrameworks(String principal) {
      io.meso.proto.GetOfferSkipsRequest all = io.meso.proto.GetOfferSkipsRequest.getDefaultInstance();
      io.meso.proto.GetOfferSkipsResponse r = switch (this) {
        case HTTP -> {
          JsonObject skips = doors.operatorHttp(principal, new JsonObject().put("type", "GET_OFFER_SKIPS"))
              .getJsonObject("get_offer_skips");
          try {
            yield io.meso.codecs.ProtoJson.merge(skips.encode(), io.meso.proto.GetOfferSkipsResponse.newBuilder()).build();
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(skips.encode(), e);
          }
        }
        case GRPC -> doors.await(() -> grpc(principal).getOfferSkips(all));
        case EVENT_BUS -> (io.meso.proto.GetOfferSkipsResponse) doors.operatorBus("GetOfferSkips", all, principal);
      };
      return java.util.stream.Stream.concat(
          r.getHeldOffersList().stream().map(o -> o.getFrameworkId().getValue()),
          r.getFrameworksList().stream().map(f -> f.getFrameworkId().getValue())).distinct().toList();
    }

    /** access_sandboxes: reads the task's stdout and its usage. */
    void readSandbox(String principal, String taskId) {
      TaskID id = TaskID.newBuilder().setValue(taskId).build();
      switch (this) {
        case HTTP -> {
          doors.get(principal, "/files/read?task_id=" + taskId + "&path=stdout&offset=0");
          doors.get(principal, "/tasks/" + taskId + "/usage");
        }
        case GRPC -> {
          doors.await(() -> grpc(principal).readFile(ReadFileRequest.newBuilder().setTaskId(id).setPath("stdout").build()));
          doors.await(() -> grpc(principal).taskUsage(GetTaskUsageRequest.newBuilder().setTaskId(id).build()));
        }
        case EVENT_BUS -> {
          doors.operatorBus("ReadFile", ReadFileRequest.newBuilder().setTaskId(id).setPath("stdout").build(), principal);
          doors.operatorBus("GetTaskUsage", GetTaskUsageRequest.newBuilder().setTaskId(id).build(), principal);
        }
      }
    }

    void kill(String principal, String taskId) {
      switch (this) {
        case HTTP -> doors.operatorHttp(principal, new JsonObject().put("type", "KILL_TASK")
            .put("kill_task", new JsonObject().put("task_id", new JsonObject().put("value", taskId))));
        case GRPC -> doors.await(() -> grpc(principal).killTask(taskId));
        case EVENT_BUS -> doors.operatorBus("KillTask", KillTaskRequest.newBuilder()
            .setTaskId(TaskID.newBuilder().setValue(taskId)).build(), principal);
      }
    }

    void teardown(String principal, FrameworkID framework) {
      TeardownRequest request = TeardownRequest.newBuilder().setFrameworkId(framework).build();
      switch (this) {
        case HTTP -> doors.operatorHttp(principal, new JsonObject().put("type", "TEARDOWN")
            .put("teardown", new JsonObject().put("framework_id", new JsonObject().put("value", framework.getValue()))));
        case GRPC -> doors.await(() -> grpc(principal).teardown(request));
        case EVENT_BUS -> doors.operatorBus("Teardown", request, principal);
      }
    }

    void markGone(String principal, String agentId) {
      MarkAgentGoneRequest request = MarkAgentGoneRequest.newBuilder()
          .setAgentId(AgentID.newBuilder().setValue(agentId)).build();
      switch (this) {
        case HTTP -> doors.operatorHttp(principal, new JsonObject().put("type", "MARK_AGENT_GONE")
            .put("mark_agent_gone", new JsonObject().put("agent_id", new JsonObject().put("value", agentId))));
        case GRPC -> doors.await(() -> grpc(principal).markAgentGone(request));
        case EVENT_BUS -> doors.operatorBus("MarkAgentGone", request, principal);
      }
    }

    void setWeight(String principal, double weight) {
      SetWeightsRequest request = SetWeightsRequest.newBuilder()
          .addWeights(RoleWeight.newBuilder().setRole("web").setWeight(weight)).build();
      if (this == HTTP) {
        doors.operatorHttp(principal, new JsonObject().put("type", "UPDATE_WEIGHTS").put("update_weights",
            new JsonObject().put("weight_infos", new JsonArray().add(new JsonObject().put("role", "web")
                .put("weight", weight)))));
      } else if (this == GRPC) {
        doors.await(() -> grpc(principal).setWeights(request));
      } else {
        doors.operatorBus("SetWeights", request, principal);
      }
    }

    void setQuota(String principal, double cpus) {
      SetQuotaRequest request = SetQuotaRequest.newBuilder().addQuotas(RoleQuota.newBuilder().setRole("web")
          .addLimits(ResourceQuantity.newBuilder().setName("cpus").setValue(cpus))).build();
      if (this == HTTP) {
        doors.operatorHttp(principal, new JsonObject().put("type", "UPDATE_QUOTA").put("update_quota",
            new JsonObject().put("quota_configs", new JsonArray().add(new JsonObject().put("role", "web")
                .put("limits", new JsonObject().put("cpus", new JsonObject().put("value", cpus)))))));
      } else if (this == GRPC) {
        doors.await(() -> grpc(principal).setQuota(request));
      } else {
        doors.operatorBus("SetQuota", request, principal);
      }
    }

    void drain(String principal, boolean drain) {
      DrainAgentRequest request = DrainAgentRequest.newBuilder()
          .setAgentId(AgentID.newBuilder().setValue(doors.agentId)).setDrain(drain).build();
      if (this == HTTP) {
        String type = drain ? "DRAIN_AGENT" : "REACTIVATE_AGENT";
        doors.operatorHttp(principal, new JsonObject().put("type", type).put(type.toLowerCase(),
            new JsonObject().put("agent_id", new JsonObject().put("value", doors.agentId))));
      } else if (this == GRPC) {
        doors.await(() -> grpc(principal).drainAgent(request));
      } else {
        doors.operatorBus("DrainAgent", request, principal);
      }
    }
  }

  static double weightOfWeb() {
    return ((io.meso.proto.GetRolesResponse) doors.operatorBus("GetRoles", GetRolesRequest.getDefaultInstance(), "ops"))
        .getRolesList().stream().filter(r -> r.getRole().equals("web")).mapToDouble(r -> r.getWeight())
        .findFirst().orElse(-1);
  }

  static List<Double> quotaOfWeb() {
    return ((io.meso.proto.GetQuotaResponse) doors.operatorBus("GetQuota", GetQuotaRequest.getDefaultInstance(), "ops"))
        .getQuotasList().stream().filter(q -> q.getRole().equals("web"))
        .flatMap(q -> q.getLimitsList().stream()).map(ResourceQuantity::getValue).toList();
  }

  static boolean draining() {
    return agent().getDraining();
  }

  @ParameterizedTest
  @EnumSource(OperatorDoor.class)
  @Order(3)
  void operatorActionsAreAllowedAndDeniedOnEveryOperatorDoor(OperatorDoor door) throws Exception {
    String d = door.name().toLowerCase();
    // A framework of web's with a running task that wrote to its sandbox.
    Session web = doors.subscribe(SchedulerDoor.GRPC, "web", framework("operated-" + d));
    Offer offer = web.awaitOffer();
    // While web holds the offer, GetOfferSkips names web's framework to ops (view_frameworks), not to dev.
    assertThat(door.offerSkipFrameworks("ops")).contains(web.id.getValue());
    assertThat(door.offerSkipFrameworks("dev")).isEmpty();
    String task = "sleeper-" + d;
    web.accept(offer, Launches.launch(Launches.task(task, offer, "echo started; sleep 600", 0.1, 16)));
    web.awaitUpdate(task, TaskState.TASK_RUNNING);

    // view_frameworks, view_tasks, view_agents: ops sees the framework, its task and the agent; dev sees none.
    assertThat(door.views("ops")).allSatisfy(v -> assertThat(v).doesNotEndWith(" 0"));
    assertThat(door.views("dev")).allSatisfy(v -> assertThat(v).endsWith(" 0"));

    // view_roles: role web (it has a framework) is shown to ops, to dev not at all.
    assertThat(door.roles("ops", false)).contains("web");
    assertThat(door.roles("dev", false)).isEmpty();

    // access_sandboxes.
    assertRefused(403, () -> door.readSandbox("dev", task), "principal 'dev'", "access_sandboxes", "user '" + ME + "'");
    door.readSandbox("ops", task);

    // update_weights, update_quotas (then view_roles on GetQuota), drain_agents.
    {
      double weight = 2 + door.ordinal();
      assertRefused(403, () -> door.setWeight("dev", 7), "principal 'dev'", "update_weights", "role 'web'");
      assertThat(weightOfWeb()).isNotEqualTo(7);
      door.setWeight("ops", weight);
      assertThat(weightOfWeb()).isEqualTo(weight);

      assertRefused(403, () -> door.setQuota("dev", 9), "principal 'dev'", "update_quotas", "role 'web'");
      assertThat(quotaOfWeb()).doesNotContain(9.0);
      door.setQuota("ops", weight);
      assertThat(quotaOfWeb()).containsExactly(weight);
      assertThat(door.roles("ops", true)).contains("web");
      assertThat(door.roles("dev", true)).isEmpty();

      assertRefused(403, () -> door.drain("dev", true), "principal 'dev'", "drain_agents");
      assertThat(draining()).isFalse();
      door.drain("ops", true);
      assertThat(draining()).isTrue();
      door.drain("ops", false);
      assertThat(draining()).isFalse();
    }

    // kill_tasks: the task's framework principal is web.
    assertRefused(403, () -> door.kill("dev", task), "principal 'dev'", "kill_tasks", "framework principal 'web'");
    assertThat(taskState(task)).isEqualTo(TaskState.TASK_RUNNING);
    door.kill("ops", task);
    web.awaitUpdate(task, TaskState.TASK_KILLED);

    // teardown_frameworks.
    assertRefused(403, () -> door.teardown("dev", web.id), "principal 'dev'", "teardown_frameworks",
        "framework principal 'web'");
    assertThat(frameworkNames()).contains("operated-" + d);
    door.teardown("ops", web.id);
    Awaitility.await().atMost(AclDoors.WAIT).until(() -> !frameworkNames().contains("operated-" + d));
    web.close();

    // mark_agents_gone, on an agent of its own.
    String doomed = doors.deployAgent("doomed-" + d);
    assertRefused(403, () -> door.markGone("dev", doomed), "principal 'dev'", "mark_agents_gone",
        "agent 'doomed-" + d + "'");
    assertThat(agentIds()).contains(doomed);
    door.markGone("ops", doomed);
    Awaitility.await().atMost(AclDoors.WAIT).until(() -> !agentIds().contains(doomed));
    assertThat(agentIds()).contains(doors.agentId);
  }

  // ---- the event streams ----------------------------------------------------------------

  @Test
  @Order(4)
  void theOperatorAndUiEventStreamsShowEachEventOnlyToWhoMayViewIt() throws Exception {
    AclDoors.EventStream opsSubscribe = doors.new EventStream("ops", false);
    AclDoors.EventStream devSubscribe = doors.new EventStream("dev", false);
    AclDoors.EventStream opsUi = doors.new EventStream("ops", true);
    AclDoors.EventStream devUi = doors.new EventStream("dev", true);
    // dev's initial state is empty (it may see the marker agent only, which is not there).
    JsonObject devState = devSubscribe.records.get(0).getJsonObject("subscribed").getJsonObject("get_state");
    assertThat(devState.getJsonObject("get_frameworks").getJsonArray("frameworks", new JsonArray())).isEmpty();
    assertThat(devState.getJsonObject("get_agents").getJsonArray("agents", new JsonArray())).isEmpty();
    assertThat(devState.getJsonObject("get_tasks").getJsonArray("tasks", new JsonArray())).isEmpty();

    // An agent dev may see (view_agents by hostname) comes; framework and task events; the agent goes: the last event.
    String marker = doors.deployAgent("marker");
    Session web = doors.subscribe(SchedulerDoor.GRPC, "web", framework("watched"));
    Offer offer = web.awaitOffer();
    web.accept(offer, Launches.launch(Launches.task("watched-task", offer, "true", 0.1, 16)));
    web.awaitUpdate("watched-task", TaskState.TASK_FINISHED);
    web.teardown();
    web.close();
    doors.operatorBus("MarkAgentGone", MarkAgentGoneRequest.newBuilder()
        .setAgentId(AgentID.newBuilder().setValue(marker)).build(), "ops");

    Function<AclDoors.EventStream, Boolean> sawMarker = s -> s.types().contains("AGENT_REMOVED");
    Awaitility.await().atMost(AclDoors.WAIT).until(() -> sawMarker.apply(opsSubscribe) && sawMarker.apply(opsUi)
        && sawMarker.apply(devSubscribe) && sawMarker.apply(devUi));
    for (AclDoors.EventStream ops : List.of(opsSubscribe, opsUi)) {
      assertThat(ops.types()).contains("AGENT_ADDED", "FRAMEWORK_ADDED", "TASK_ADDED", "TASK_UPDATED",
          "FRAMEWORK_REMOVED", "AGENT_REMOVED");
    }
    assertThat(devSubscribe.types()).containsExactly("SUBSCRIBED", "AGENT_ADDED", "AGENT_REMOVED");
    assertThat(devUi.types()).containsExactly("AGENT_ADDED", "AGENT_REMOVED");
    assertThat(devUi.records.get(1).getJsonObject("agent_removed").getJsonObject("agent_id").getString("value"))
        .isEqualTo(marker);
  }

  // ---- /v2 and /v1/scheduler ------------------------------------------------------------

  static JsonObject app(String id) {
    return new JsonObject().put("id", id).put("cmd", "sleep 600").put("cpus", 0.1).put("mem", 16).put("instances", 0);
  }

  static List<String> appIds(String principal) {
    AclDoors.Answer a = doors.http(principal, "GET", "/v2/apps", null);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    return a.json().getJsonArray("apps").stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  static void assertMarathonForbidden(AclDoors.Answer a, String... reason) {
    assertThat(a.status()).as(a.body()).isEqualTo(403);
    assertThat(a.json().getString("message")).isEqualTo("Not Authorized to perform this action!");
    assertThat(a.json().getString("reason")).contains(reason);
  }

  @Test
  @Order(5)
  void servicesApiUpdateAppsViewAppsAndRunTasksThroughTheGate() {
    // update_apps.
    assertThat(doors.http("web", "POST", "/v2/apps", app("/web/a")).status()).isEqualTo(201);
    assertMarathonForbidden(doors.http("dev", "POST", "/v2/apps", app("/web/dev")),
        "principal 'dev'", "update_apps", "app '/web/dev'");
    assertThat(appIds("ops")).contains("/web/a").doesNotContain("/web/dev");
    // run_tasks for the app's user.
    assertMarathonForbidden(doors.http("web", "POST", "/v2/apps", app("/web/intruder").put("user", "intruder")),
        "principal 'web'", "run_tasks", "user 'intruder'");
    assertThat(appIds("ops")).doesNotContain("/web/intruder");
    assertThat(doors.http("web", "POST", "/v2/apps", app("/web/mine").put("user", ME)).status()).isEqualTo(201);
    // view_apps.
    assertThat(doors.http("web", "GET", "/v2/apps/web/a", null).status()).isEqualTo(200);
    assertMarathonForbidden(doors.http("dev", "GET", "/v2/apps/web/a", null), "principal 'dev'", "view_apps");
    assertThat(appIds("web")).contains("/web/a", "/web/mine");
    assertThat(appIds("dev")).isEmpty();
    // A delete is an update too.
    assertMarathonForbidden(doors.http("dev", "DELETE", "/v2/apps/web/a", null), "update_apps");
    assertThat(appIds("ops")).contains("/web/a");
    assertThat(doors.http("web", "DELETE", "/v2/apps/web/a", null).status()).isEqualTo(200);
  }

  static JsonObject job(String name) {
    return new JsonObject().put("name", name).put("command", "true").put("schedule", "R/2031-01-01T00:00:00.000Z/P1D")
        .put("cpus", 0.1).put("mem", 32).put("disk", 10);
  }

  static List<String> jobNames(String principal) {
    AclDoors.Answer a = doors.http(principal, "GET", "/v1/scheduler/jobs", null);
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    return new JsonArray(a.body()).stream().map(o -> ((JsonObject) o).getString("name")).toList();
  }

  static void assertChronosForbidden(AclDoors.Answer a, String... parts) {
    assertThat(a.status()).as(a.body()).isEqualTo(403);
    assertThat(a.json().getString("status")).isEqualTo("Forbidden");
    assertThat(a.json().getString("message")).contains(parts);
  }

  @Test
  @Order(6)
  void jobsApiUpdateJobsViewJobsAndRunTasksThroughTheGate() {
    // update_jobs.
    assertThat(doors.http("web", "POST", "/v1/scheduler/iso8601", job("report-daily")).status()).isEqualTo(204);
    assertChronosForbidden(doors.http("dev", "POST", "/v1/scheduler/iso8601", job("report-dev")),
        "principal 'dev'", "update_jobs", "job 'report-dev'");
    assertThat(jobNames("ops")).contains("report-daily").doesNotContain("report-dev");
    // run_tasks for the job's user.
    assertChronosForbidden(doors.http("web", "POST", "/v1/scheduler/iso8601", job("report-intruder")
        .put("runAsUser", "intruder")), "principal 'web'", "run_tasks", "user 'intruder'");
    assertThat(jobNames("ops")).doesNotContain("report-intruder");
    // view_jobs.
    assertThat(doors.http("web", "GET", "/v1/scheduler/job/report-daily", null).status()).isEqualTo(200);
    assertChronosForbidden(doors.http("dev", "GET", "/v1/scheduler/job/report-daily", null),
        "principal 'dev'", "view_jobs", "job 'report-daily'");
    assertThat(jobNames("web")).contains("report-daily");
    assertThat(jobNames("dev")).isEmpty();
    // A delete is an update too.
    assertChronosForbidden(doors.http("dev", "DELETE", "/v1/scheduler/job/report-daily", null), "update_jobs");
    assertThat(jobNames("ops")).contains("report-daily");
    assertThat(doors.http("web", "DELETE", "/v1/scheduler/job/report-daily", null).status()).isEqualTo(204);
  }
}
