package io.meso.services.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.services.app.App;
import io.meso.services.app.AppChange;
import io.meso.services.app.PathId;
import io.meso.services.app.json.AppJson;
import io.meso.services.app.json.AppResult;
import io.meso.services.deploy.DeploymentPlan;
import io.meso.services.deploy.DeploymentProgress;
import io.meso.services.placement.AgentFacts;
import io.meso.services.placement.RollingRestart;
import io.meso.v1.Attribute;
import io.meso.v1.TaskState;
import io.meso.v1.Value;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stored forms: every record reads back equal to what was written (apps through the /v2
 * parser, plans with only the apps they change), the instance form is pinned field by field, and
 * a damaged value is refused naming the field.
 */
class StoreCodecTest {

  static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123Z");
  static final Instant T1 = Instant.parse("2026-03-01T10:05:00.456Z");

  static App app(String json) {
    AppResult r = AppJson.parse(new JsonObject(json.replace('\'', '"')));
    assertThat(r).as(json).isInstanceOf(AppResult.Valid.class);
    App a = ((AppResult.Valid) r).app();
    return a.withVersion(T0, io.meso.services.app.VersionInfo.forNewConfig(T0));
  }

  static Stream<App> apps() {
    return Stream.of(
        app("{'id':'/web','cmd':'python3 -m http.server $PORT0','instances':3,'cpus':0.1,'mem':32}"),
        app("{'id':'/scaled','cmd':'sleep 1000','instances':2,'cpus':0.2,'autoscale':{'targetCpuUtilization':0.6,"
            + "'minInstances':2,'maxInstances':7,'scaleUpStabilizationSeconds':30,'scaleDownStabilizationSeconds':60,'tolerance':0.05}}"),
        app("{'id':'/prod/api','args':['/bin/api','--port','8080'],'user':'nobody','env':{'A':'1','DB':{'secret':'db'}},"
            + "'labels':{'owner':'ops'},'constraints':[['hostname','UNIQUE'],['rack','GROUP_BY','3'],['zone','LIKE','a.*']],"
            + "'portDefinitions':[{'port':0,'name':'http'},{'port':10005,'protocol':'udp'}],'requirePorts':false,"
            + "'healthChecks':[{'protocol':'MESOS_HTTP','portIndex':0,'path':'/health','intervalSeconds':2,"
            + "'gracePeriodSeconds':10,'maxConsecutiveFailures':0}],"
            + "'readinessChecks':[{'name':'r','protocol':'HTTP','path':'/ready','portName':'http','intervalSeconds':5,'timeoutSeconds':2}],"
            + "'upgradeStrategy':{'minimumHealthCapacity':0.5,'maximumOverCapacity':0.25},"
            + "'unreachableStrategy':{'inactiveAfterSeconds':60,'expungeAfterSeconds':600},'killSelection':'OLDEST_FIRST',"
            + "'backoffSeconds':3,'backoffFactor':2.5,'maxLaunchDelaySeconds':120,'taskKillGracePeriodSeconds':5,"
            + "'fetch':[{'uri':'http://x/a.tgz'}],'dependencies':['/prod/db'],'disk':10,'gpus':1}"),
        app("{'id':'/c','cmd':'x','container':{'type':'DOCKER','docker':{'image':'nginx'}},"
            + "'networks':[{'mode':'container/bridge'}],'unreachableStrategy':'disabled',"
            + "'healthChecks':[{'protocol':'COMMAND','command':{'value':'true'},'delaySeconds':0}]}"));
  }

  @ParameterizedTest
  @MethodSource("apps")
  void appsReadBackEqualWithEveryVersion(App current) {
    App older = current.withVersion(T0.minusSeconds(60), io.meso.services.app.VersionInfo.forNewConfig(T0.minusSeconds(60)));
    StoredApp stored = new StoredApp(current, List.of(older, current));
    StoredApp back = StoreCodec.decodeApp(StoreCodec.encode(stored));
    assertThat(back).isEqualTo(stored);
  }

  @Test
  void aPlanKeepsOnlyTheAppsItChangesAndReadsBackEqualWithItsProgress() {
    App web = app("{'id':'/web','cmd':'sleep 1','instances':3}");
    App other = app("{'id':'/other','cmd':'sleep 2'}");
    App restarted = AppChange.restarted(web, T1);
    Map<PathId, App> original = new LinkedHashMap<>();
    original.put(web.id(), web);
    original.put(other.id(), other);
    Map<PathId, App> target = new LinkedHashMap<>(original);
    target.put(web.id(), restarted);
    DeploymentPlan plan = DeploymentPlan.of("d1", original, target, T1, Map.of());
    DeploymentProgress progress = new DeploymentProgress(1, List.of("i1", "i2"), List.of(
        new DeploymentProgress.Restarting(false, List.of("i2", "i3"), List.of("i3"), new RollingRestart(3, 4, 2, 1, 2, 1),
            new DeploymentProgress.Readiness(List.of("n1"), List.of("n1"), List.of("n1", "n2")))));

    StoredDeployment back = StoreCodec.decodeDeployment(StoreCodec.encode(new StoredDeployment(plan, progress)));

    assertThat(back.progress()).isEqualTo(progress);
    assertThat(back.plan().id()).isEqualTo("d1");
    assertThat(back.plan().version()).isEqualTo(T1);
    assertThat(back.plan().steps()).isEqualTo(plan.steps());
    assertThat(back.plan().original()).containsOnlyKeys(web.id()).containsEntry(web.id(), web);
    assertThat(back.plan().target()).containsOnlyKeys(web.id()).containsEntry(web.id(), restarted);
    // What the plan is used for after a failover gives the same answers.
    assertThat(back.plan().affectedApps()).isEqualTo(plan.affectedApps());
    assertThat(back.plan().revert(target)).isEqualTo(plan.revert(target));
  }

  @Test
  void scalingAndPlainProgressReadBackEqual() {
    App web = app("{'id':'/web','cmd':'sleep 1','instances':2}");
    App scaled = AppChange.stamp(web, web.withInstances(1), T1);
    DeploymentPlan plan = DeploymentPlan.of("d2", Map.of(web.id(), web), Map.of(web.id(), scaled), T1,
        Map.of(web.id(), List.of("victim")));
    DeploymentProgress progress = new DeploymentProgress(1, List.of("victim"), List.of(new DeploymentProgress.Scaling(
        false, List.of("victim"), false, 0, DeploymentProgress.Readiness.NONE)));
    StoredDeployment back = StoreCodec.decodeDeployment(StoreCodec.encode(new StoredDeployment(plan, progress)));
    assertThat(back.progress()).isEqualTo(progress);
    assertThat(back.plan().steps()).isEqualTo(plan.steps());
    assertThat(back.plan().steps().get(0).actions().get(0).toKill()).containsExactly("victim");

    DeploymentProgress plain = new DeploymentProgress(2, List.of(), List.of(new DeploymentProgress.Plain(true)));
    assertThat(StoreCodec.progress(StoreCodec.progress(plain))).isEqualTo(plain);
  }

  static StoredInstance instance() {
    Attribute rack = Attribute.newBuilder().setName("rack").setType(Value.Type.TEXT)
        .setText(Value.Text.newBuilder().setValue("r1")).build();
    return new StoredInstance("web.instance-1", "web.instance-1._app.1", PathId.absolute("/web"), T0, "agent-1",
        new AgentFacts("host-a", Optional.empty(), Optional.of("z1"), List.of(rack)), List.of(31000, 31001), T0,
        TaskState.TASK_RUNNING, T1, T1, true, T1, T1.plusSeconds(5), null, null, 0, "NONE", false);
  }

  @Test
  void anInstanceIsStoredInThisFormAndReadsBackEqual() {
    StoredInstance i = instance();
    String json = new String(StoreCodec.encode(i), StandardCharsets.UTF_8);
    assertThat(new JsonObject(json)).isEqualTo(new JsonObject(("{'instanceId':'web.instance-1',"
        + "'taskId':'web.instance-1._app.1','appId':'/web','appVersion':'2026-03-01T10:00:00.123Z','agentId':'agent-1',"
        + "'agent':{'hostname':'host-a','zone':'z1','attributes':['" + java.util.Base64.getEncoder()
            .encodeToString(i.agent().attributes().get(0).toByteArray()) + "']},"
        + "'hostPorts':[31000,31001],'stagedAt':'2026-03-01T10:00:00.123Z','state':'TASK_RUNNING',"
        + "'startedAt':'2026-03-01T10:05:00.456Z','since':'2026-03-01T10:05:00.456Z','healthy':true,"
        + "'firstSuccess':'2026-03-01T10:05:00.456Z','lastSuccess':'2026-03-01T10:05:05.456Z',"
        + "'consecutiveFailures':0,'killGoal':'NONE','inactive':false}").replace('\'', '"')));
    assertThat(StoreCodec.decodeInstance(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(i);
  }

  @Test
  void launchesReadBackEqual() {
    StoredLaunches both = new StoredLaunches(PathId.absolute("/web"), new StoredLaunches.Queued(T0, 2, T1),
        new StoredLaunches.Backoff("2026-03-01T10:00:00.123Z", T1, Duration.ofMillis(1322)));
    assertThat(StoreCodec.decodeLaunches(StoreCodec.encode(both))).isEqualTo(both);
    StoredLaunches none = new StoredLaunches(PathId.absolute("/web"), null, null);
    assertThat(StoreCodec.decodeLaunches(StoreCodec.encode(none))).isEqualTo(none);
  }

  @Test
  void damagedValuesAreRefusedNamingTheField() {
    JsonObject good = new JsonObject(new String(StoreCodec.encode(instance()), StandardCharsets.UTF_8));
    assertThatThrownBy(() -> StoreCodec.decodeInstance(good.copy().put("state", "TASK_SLEEPING").encode().getBytes()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("state is 'TASK_SLEEPING'");
    assertThatThrownBy(() -> StoreCodec.decodeInstance(good.copy().put("stagedAt", "yesterday").encode().getBytes()))
        .hasMessageContaining("stagedAt is 'yesterday'; expected an ISO-8601 instant");
    JsonObject noTask = good.copy();
    noTask.remove("taskId");
    assertThatThrownBy(() -> StoreCodec.decodeInstance(noTask.encode().getBytes()))
        .hasMessageContaining("taskId is missing; expected a string");
    assertThatThrownBy(() -> StoreCodec.decode(ServicesStore.INSTANCES, "k", "not json".getBytes(),
        StoreCodec::decodeInstance)).hasMessageStartingWith("services-instances/k: the stored value is not a JSON object");
  }
}
