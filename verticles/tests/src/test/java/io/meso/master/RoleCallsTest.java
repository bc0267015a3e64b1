package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.meso.agent.AgentOptions;
import io.meso.agent.AgentVerticle;
import io.meso.proto.GetRolesRequest;
import io.meso.proto.GetRolesResponse;
import io.meso.proto.RoleInfo;
import io.meso.proto.RoleWeight;
import io.meso.proto.SetWeightsRequest;
import io.meso.proto.SetWeightsResponse;
import io.meso.api.server.ApiServerOptions;
import io.meso.api.server.ApiServerVerticle;
import io.meso.cluster.MesoCluster;
import io.meso.codecs.Addresses;
import io.meso.it.FrameworkRecorder;
import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.v1.FrameworkInfo;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The SetWeights and GetRoles operator calls against a running master, allocator and agent. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RoleCallsTest {

  static Vertx vertx;
  static GrpcSchedulerClient client;
  static io.meso.scheduler.GrpcOperatorClient operator;
  static FrameworkRecorder framework;

  @BeforeAll
  static void start() throws Exception {
    vertx = MesoCluster.startLocal(new VertxOptions());
    vertx.deployVerticle(new MasterVerticle(new MasterOptions().setAllocationIntervalMillis(100)))
        .await(30, TimeUnit.SECONDS);
    vertx.deployVerticle(new AgentVerticle(new AgentOptions()
        .setWorkDir(Files.createTempDirectory("meso-role-calls").toString())
        .setResources("cpus:2;mem:1024;disk:100"))).await(30, TimeUnit.SECONDS);
    ApiServerVerticle api = new ApiServerVerticle(new ApiServerOptions().setPort(0));
    vertx.deployVerticle(api).await(30, TimeUnit.SECONDS);
    client = new GrpcSchedulerClient(vertx, "127.0.0.1", api.actualPort());
    operator = new io.meso.scheduler.GrpcOperatorClient(vertx, "127.0.0.1", api.actualPort());
    framework = new FrameworkRecorder(client);
    client.subscribe(FrameworkInfo.newBuilder().setName("ml").setUser("").setRole("eng/ml").build(),
        framework::onEvent).await(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void rolesWeightsAndQuotaOverTheGrpcOperatorService() throws Exception {
    operator.setWeights(io.meso.proto.SetWeightsRequest.newBuilder()
        .addWeights(io.meso.proto.RoleWeight.newBuilder().setRole("grpc/team").setWeight(2.5)).build())
        .await(30, TimeUnit.SECONDS);
    assertThat(operator.getRoles().await(30, TimeUnit.SECONDS).getRolesList())
        .anySatisfy(r -> {
          assertThat(r.getRole()).isEqualTo("grpc/team");
          assertThat(r.getWeight()).isEqualTo(2.5);
        });
    operator.setQuota(io.meso.proto.SetQuotaRequest.newBuilder().addQuotas(io.meso.proto.RoleQuota.newBuilder()
        .setRole("grpc/team").addLimits(io.meso.proto.ResourceQuantity.newBuilder().setName("mem").setValue(256)))
        .build()).await(30, TimeUnit.SECONDS);
    assertThat(operator.getQuota().await(30, TimeUnit.SECONDS).getQuotasList())
        .anySatisfy(q -> assertThat(q.getRole()).isEqualTo("grpc/team"));
    assertThat(operator.getOfferSkips(io.meso.proto.GetOfferSkipsRequest.getDefaultInstance())
        .await(30, TimeUnit.SECONDS)).isNotNull();
    // Bad input is INVALID_ARGUMENT (400) with the master's message.
    try {
      operator.setWeights(io.meso.proto.SetWeightsRequest.newBuilder()
          .addWeights(io.meso.proto.RoleWeight.newBuilder().setRole("grpc/team").setWeight(-1)).build())
          .await(30, TimeUnit.SECONDS);
      throw new AssertionError("a negative weight was accepted");
    } catch (io.meso.scheduler.ApiException e) {
      assertThat(e.code()).isEqualTo(400);
      assertThat(e.getMessage()).contains("-1");
    }
  }

  private static Object call(String action, Object body) throws Exception {
    return vertx.eventBus().request(Addresses.OPERATOR, body, new DeliveryOptions().addHeader(Addresses.ACTION_HEADER,
        action)).await(30, TimeUnit.SECONDS).body();
  }

  private static ReplyException refused(String action, Object body) {
    try {
      call(action, body);
    } catch (Exception e) {
      assertThat(e).isInstanceOf(ReplyException.class);
      return (ReplyException) e;
    }
    throw new AssertionError("expected " + action + " to be refused");
  }

  private static Map<String, RoleInfo> roles() throws Exception {
    GetRolesResponse response = (GetRolesResponse) call("GetRoles", GetRolesRequest.getDefaultInstance());
    return response.getRolesList().stream().collect(Collectors.toMap(RoleInfo::getRole, Function.identity()));
  }

  @Test
  void weightsAreSetAndRolesListedWithTheirAncestors() throws Exception {
    String frameworkId = framework.awaitOffer(0).getFrameworkId().getValue(); // the role exists now
    assertThat(call("SetWeights", SetWeightsRequest.newBuilder()
        .addWeights(RoleWeight.newBuilder().setRole("eng").setWeight(3))
        .addWeights(RoleWeight.newBuilder().setRole("ops/batch").setWeight(0.5)).build()))
        .isInstanceOf(SetWeightsResponse.class);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      Map<String, RoleInfo> roles = roles();
      assertThat(roles).containsKeys("eng", "eng/ml", "ops/batch");
      assertThat(roles.get("eng").getWeight()).isEqualTo(3.0);
      assertThat(roles.get("eng").getActive()).isFalse();
      assertThat(roles.get("eng/ml").getActive()).isTrue();
      assertThat(roles.get("eng/ml").getFrameworksList()).containsExactly(frameworkId);
      // The outstanding offer (the whole agent) counts for the role, and rolls up to eng.
      assertThat(roles.get("eng/ml").getShare()).isGreaterThan(0);
      assertThat(roles.get("eng").getShare()).isCloseTo(roles.get("eng/ml").getShare() / 3, org.assertj.core.api.Assertions.within(1e-9));
      assertThat(roles.get("ops/batch").getWeight()).isEqualTo(0.5);
    });
  }

  @Test
  void aRoleKnownOnlyForItsWeightIsForgottenWhenItsWeightIsSetBackToTheDefault() throws Exception {
    call("SetWeights", SetWeightsRequest.newBuilder()
        .addWeights(RoleWeight.newBuilder().setRole("weighted/only").setWeight(4)).build());
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(roles()).containsKey("weighted/only"));
    call("SetWeights", SetWeightsRequest.newBuilder()
        .addWeights(RoleWeight.newBuilder().setRole("weighted/only").setWeight(1.0)).build());
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(roles()).doesNotContainKey("weighted/only"));
    // A role in use stays listed, now with the default weight.
    call("SetWeights", SetWeightsRequest.newBuilder()
        .addWeights(RoleWeight.newBuilder().setRole("eng/ml").setWeight(2)).build());
    call("SetWeights", SetWeightsRequest.newBuilder()
        .addWeights(RoleWeight.newBuilder().setRole("eng/ml").setWeight(1)).build());
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(roles()).containsKey("eng/ml");
      assertThat(roles().get("eng/ml").getWeight()).isEqualTo(1.0);
    });
  }

  @Test
  void nonFiniteQuotaAndWeightsAreRefusedNamingTheRole() {
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -1}) {
      ReplyException quota = refused("SetQuota", io.meso.proto.SetQuotaRequest.newBuilder()
          .addQuotas(io.meso.proto.RoleQuota.newBuilder().setRole("team-x").addLimits(q("cpus", bad))).build());
      assertThat(quota.failureCode()).isEqualTo(400);
      assertThat(quota.getMessage()).contains("quotas[0].limits[0].value is " + bad).contains("role 'team-x'");
      ReplyException weight = refused("SetWeights", SetWeightsRequest.newBuilder()
          .addWeights(RoleWeight.newBuilder().setRole("team-x").setWeight(bad)).build());
      assertThat(weight.getMessage()).contains("weights[0].weight is " + bad).contains("role 'team-x'");
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      empty list                | ''         | ''    | weights is empty
      missing role              | <none>     | 1     | weights[0].role is missing
      empty role                | ''         | 1     | weights[0].role contains an empty role
      dot dot                   | eng/..     | 1     | has an invalid part '..'
      leading dash              | -eng       | 1     | has an invalid part '-eng'
      trailing slash            | eng/       | 1     | starts or ends with '/'
      whitespace                | 'e ng'     | 1     | whitespace
      missing weight            | eng        | <none> | weights[0].weight is missing for role 'eng'
      zero                      | eng        | 0     | weights[0].weight is 0.0 for role 'eng'
      negative                  | eng        | -2    | weights[0].weight is -2.0
      NaN                       | eng        | NaN   | weights[0].weight is NaN
      infinite                  | eng        | Infinity | weights[0].weight is Infinity
      """)
  void setWeightsRefusesBadInput(String name, String role, String weight, String expected) {
    SetWeightsRequest.Builder request = SetWeightsRequest.newBuilder();
    if (!name.equals("empty list")) {
      RoleWeight.Builder w = RoleWeight.newBuilder();
      if (!"<none>".equals(role)) {
        w.setRole(role == null ? "" : role);
      }
      if (!"<none>".equals(weight)) {
        w.setWeight(Double.parseDouble(weight));
      }
      request.addWeights(w);
    }
    ReplyException e = refused("SetWeights", request.build());
    assertThat(e.failureCode()).isEqualTo(400);
    assertThat(e.getMessage()).contains(expected);
  }

  @Test
  void setWeightsRefusesDuplicatesAndWrongBodiesAndChangesNothing() throws Exception {
    ReplyException dup = refused("SetWeights", SetWeightsRequest.newBuilder()
        .addWeights(RoleWeight.newBuilder().setRole("dup").setWeight(2))
        .addWeights(RoleWeight.newBuilder().setRole("dup").setWeight(3)).build());
    assertThat(dup.getMessage()).contains("weights[1].role 'dup' is listed twice");
    ReplyException partlyBad = refused("SetWeights", SetWeightsRequest.newBuilder()
        .addWeights(RoleWeight.newBuilder().setRole("good").setWeight(2))
        .addWeights(RoleWeight.newBuilder().setRole("bad").setWeight(-1)).build());
    assertThat(partlyBad.getMessage()).contains("weights[1].weight is -1.0");
    ReplyException wrongBody = refused("SetWeights", GetRolesRequest.getDefaultInstance());
    assertThat(wrongBody.getMessage()).contains("SetWeightsRequest");
    assertThat(roles()).doesNotContainKeys("dup", "good", "bad");
  }

  private static io.meso.proto.ResourceQuantity q(String name, double value) {
    return io.meso.proto.ResourceQuantity.newBuilder().setName(name).setValue(value).build();
  }

  @Test
  void quotaIsSetReadBackAndRemoved() throws Exception {
    assertThat(call("SetQuota", io.meso.proto.SetQuotaRequest.newBuilder()
        .addQuotas(io.meso.proto.RoleQuota.newBuilder().setRole("team/a").addGuarantees(q("cpus", 1))
            .addLimits(q("cpus", 2)).addLimits(q("mem", 512)))
        .build())).isInstanceOf(io.meso.proto.SetQuotaResponse.class);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      io.meso.proto.GetQuotaResponse got = (io.meso.proto.GetQuotaResponse) call("GetQuota",
          io.meso.proto.GetQuotaRequest.getDefaultInstance());
      assertThat(got.getQuotasList()).extracting(io.meso.proto.RoleQuota::getRole).contains("team/a");
      io.meso.proto.RoleQuota a = got.getQuotasList().stream().filter(x -> x.getRole().equals("team/a")).findFirst()
          .orElseThrow();
      assertThat(a.getGuaranteesList()).containsExactly(q("cpus", 1));
      assertThat(a.getLimitsList()).containsExactly(q("cpus", 2), q("mem", 512));
    });
    call("SetQuota", io.meso.proto.SetQuotaRequest.newBuilder()
        .addQuotas(io.meso.proto.RoleQuota.newBuilder().setRole("team/a")).build());
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(((io.meso.proto.GetQuotaResponse) call(
        "GetQuota", io.meso.proto.GetQuotaRequest.getDefaultInstance())).getQuotasList())
        .extracting(io.meso.proto.RoleQuota::getRole).doesNotContain("team/a"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      unknown resource      | q    | gpu    | 1        | limit  | quotas[0].limits[0].name is 'gpu'; quota applies to the scalar resources [cpus, disk, gpus, mem]
      non-scalar resource   | q    | ports  | 1        | limit  | quotas[0].limits[0].name is 'ports'
      negative              | q    | cpus   | -1       | limit  | quotas[0].limits[0].value is -1.0 for cpus
      NaN                   | q    | mem    | NaN      | guarantee | quotas[0].guarantees[0].value is NaN for mem
      infinite              | q    | mem    | Infinity | guarantee | quotas[0].guarantees[0].value is Infinity
      guarantee above limit | q    | cpus   | 3        | both   | quotas[0]: guarantee of cpus is 3.0, above its limit 2.0
      star role             | '*'  | cpus   | 1        | limit  | quotas[0].role is '*'
      bad role              | a/.. | cpus   | 1        | limit  | quotas[0].role role 'a/..' has an invalid part '..'
      """)
  void setQuotaRefusesBadInput(String name, String role, String resource, String value, String where,
      String expected) {
    io.meso.proto.RoleQuota.Builder quota = io.meso.proto.RoleQuota.newBuilder().setRole(role);
    io.meso.proto.ResourceQuantity r = q(resource, Double.parseDouble(value));
    switch (where) {
      case "limit" -> quota.addLimits(r);
      case "guarantee" -> quota.addGuarantees(r);
      default -> quota.addGuarantees(r).addLimits(q(resource, 2));
    }
    ReplyException e = refused("SetQuota", io.meso.proto.SetQuotaRequest.newBuilder().addQuotas(quota).build());
    assertThat(e.failureCode()).isEqualTo(400);
    assertThat(e.getMessage()).contains(expected);
  }

  @Test
  void setQuotaRefusesEmptyMissingAndDuplicateFieldsAndAppliesNothing() throws Exception {
    assertThat(refused("SetQuota", io.meso.proto.SetQuotaRequest.getDefaultInstance()).getMessage())
        .contains("quotas is empty");
    assertThat(refused("SetQuota", io.meso.proto.SetQuotaRequest.newBuilder()
        .addQuotas(io.meso.proto.RoleQuota.newBuilder().addLimits(q("cpus", 1))).build()).getMessage())
        .contains("quotas[0].role is missing");
    assertThat(refused("SetQuota", io.meso.proto.SetQuotaRequest.newBuilder()
        .addQuotas(io.meso.proto.RoleQuota.newBuilder().setRole("x").addLimits(q("cpus", 1)).addLimits(q("cpus", 2)))
        .build()).getMessage()).contains("quotas[0].limits[1].name 'cpus' is listed twice");
    assertThat(refused("SetQuota", io.meso.proto.SetQuotaRequest.newBuilder()
        .addQuotas(io.meso.proto.RoleQuota.newBuilder().setRole("x").addLimits(
            io.meso.proto.ResourceQuantity.newBuilder().setName("cpus"))).build()).getMessage())
        .contains("quotas[0].limits[0].value is missing for cpus");
    // The first quota is fine, the second is not: neither is applied.
    assertThat(refused("SetQuota", io.meso.proto.SetQuotaRequest.newBuilder()
        .addQuotas(io.meso.proto.RoleQuota.newBuilder().setRole("fine").addLimits(q("cpus", 1)))
        .addQuotas(io.meso.proto.RoleQuota.newBuilder().setRole("fine").addLimits(q("cpus", 1))).build())
        .getMessage()).contains("quotas[1].role 'fine' is listed twice");
    assertThat(refused("SetQuota", GetRolesRequest.getDefaultInstance()).getMessage()).contains("SetQuotaRequest");
    assertThat(((io.meso.proto.GetQuotaResponse) call("GetQuota", io.meso.proto.GetQuotaRequest.getDefaultInstance()))
        .getQuotasList()).extracting(io.meso.proto.RoleQuota::getRole).doesNotContain("fine", "x");
  }

  @Test
  void offerSkipsExplainWhyAFrameworkGetsNoOffers() throws Exception {
    String frameworkId = framework.awaitOffer(0).getFrameworkId().getValue();
    // The framework holds the agent's only offer: later runs find nothing free on it.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      io.meso.proto.GetOfferSkipsResponse skips = (io.meso.proto.GetOfferSkipsResponse) call("GetOfferSkips",
          io.meso.proto.GetOfferSkipsRequest.newBuilder().setFrameworkId(io.meso.v1.FrameworkID.newBuilder()
              .setValue(frameworkId)).build());
      assertThat(skips.getFrameworksList()).hasSize(1);
      assertThat(skips.getFrameworks(0).getCountsList()).extracting(io.meso.proto.SkipCount::getReason)
          .contains("NO_FREE_RESOURCES");
      // Agent-wide reasons are not split by role; the framework's role is listed.
      assertThat(skips.getFrameworks(0).getRolesList()).extracting(io.meso.proto.RoleSkips::getRole)
          .containsExactly("eng/ml");
      assertThat(skips.getFrameworks(0).getRoles(0).getCountsList()).extracting(io.meso.proto.SkipCount::getReason)
          .doesNotContain("NO_FREE_RESOURCES");
    });
    ReplyException unknown = refused("GetOfferSkips", io.meso.proto.GetOfferSkipsRequest.newBuilder()
        .setFrameworkId(io.meso.v1.FrameworkID.newBuilder().setValue("no-such-framework")).build());
    assertThat(unknown.failureCode()).isEqualTo(404);
    assertThat(unknown.getMessage()).contains("'no-such-framework'");
    ReplyException empty = refused("GetOfferSkips", io.meso.proto.GetOfferSkipsRequest.newBuilder()
        .setFrameworkId(io.meso.v1.FrameworkID.newBuilder().setValue("")).build());
    assertThat(empty.failureCode()).isEqualTo(400);
  }

  @Test
  void drainAgentStopsNewOffersAndRefusesBadInput() throws Exception {
    String agentId = framework.awaitOffer(0).getAgentId().getValue();
    ReplyException missing = refused("DrainAgent", io.meso.proto.DrainAgentRequest.getDefaultInstance());
    assertThat(missing.failureCode()).isEqualTo(400);
    assertThat(missing.getMessage()).contains("agent_id is missing");
    ReplyException unknown = refused("DrainAgent", io.meso.proto.DrainAgentRequest.newBuilder()
        .setAgentId(io.meso.v1.AgentID.newBuilder().setValue("no-such-agent")).build());
    assertThat(unknown.failureCode()).isEqualTo(404);
    assertThat(unknown.getMessage()).contains("'no-such-agent'");
    ReplyException wrongBody = refused("DrainAgent", GetRolesRequest.getDefaultInstance());
    assertThat(wrongBody.getMessage()).contains("DrainAgentRequest");
    try {
      call("DrainAgent", io.meso.proto.DrainAgentRequest.newBuilder()
          .setAgentId(io.meso.v1.AgentID.newBuilder().setValue(agentId)).build());
      // Every later run skips the agent for maintenance (counted for every framework).
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(((io.meso.proto.GetOfferSkipsResponse) call(
          "GetOfferSkips", io.meso.proto.GetOfferSkipsRequest.getDefaultInstance())).getFrameworks(0).getCountsList())
          .extracting(io.meso.proto.SkipCount::getReason).contains("MAINTENANCE"));
      // Operators see it in the state.
      io.meso.proto.GetStateResponse state = (io.meso.proto.GetStateResponse) call("GetState",
          io.meso.proto.GetStateRequest.getDefaultInstance());
      assertThat(state.getAgentsList()).filteredOn(a -> a.getAgentInfo().getId().getValue().equals(agentId))
          .singleElement().satisfies(a -> assertThat(a.getDraining()).isTrue());
    } finally {
      call("DrainAgent", io.meso.proto.DrainAgentRequest.newBuilder()
          .setAgentId(io.meso.v1.AgentID.newBuilder().setValue(agentId)).setDrain(false).build());
    }
  }
}
