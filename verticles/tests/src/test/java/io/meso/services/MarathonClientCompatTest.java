package io.meso.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mesosphere.marathon.client.Marathon;
import mesosphere.marathon.client.MarathonClient;
import mesosphere.marathon.client.MarathonException;
import mesosphere.marathon.client.model.v2.App;
import mesosphere.marathon.client.model.v2.Command;
import mesosphere.marathon.client.model.v2.DeleteAppTaskResponse;
import mesosphere.marathon.client.model.v2.DeleteAppTasksResponse;
import mesosphere.marathon.client.model.v2.Deployment;
import mesosphere.marathon.client.model.v2.GetServerInfoResponse;
import mesosphere.marathon.client.model.v2.Group;
import mesosphere.marathon.client.model.v2.HealthCheck;
import mesosphere.marathon.client.model.v2.HealthCheckResults;
import mesosphere.marathon.client.model.v2.PortDefinition;
import mesosphere.marathon.client.model.v2.QueueElement;
import mesosphere.marathon.client.model.v2.Result;
import mesosphere.marathon.client.model.v2.Task;
import mesosphere.marathon.client.model.v2.VersionedApp;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real Java Marathon client (com.mesosphere:marathon-client 0.6.3, Feign 8.18 and Gson) drives
 * a real master, agent and services framework through nothing but its own API: what it sends must
 * be accepted as it is, and what it parses must come back filled in (including the names it reads
 * that Marathon never sends: {@code Task.agentId}, health {@code taskId}, deployment action
 * {@code type}). Errors must arrive as {@link MarathonException}s with Marathon's status and text.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MarathonClientCompatTest {

  static ServicesFixture f;
  static Marathon marathon;

  @BeforeAll
  static void start() throws Exception {
    f = ServicesFixture.start("meso-marathon-client");
    marathon = MarathonClient.getInstance("http://127.0.0.1:" + f.port());
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  static ConditionFactory waiting() {
    return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200));
  }

  static App sleeper(String id, int instances) {
    App app = new App();
    app.setId(id);
    app.setCmd("sleep 600");
    app.setCpus(0.05);
    app.setMem(16.0);
    app.setInstances(instances);
    return app;
  }

  static List<String> taskIds(String appId) {
    List<String> ids = new ArrayList<>();
    marathon.getAppTasks(appId).getTasks().forEach(t -> ids.add(t.getId()));
    return ids;
  }

  /** The app has its instance count running, nothing staged, and no deployment. */
  static boolean settled(String appId, int running) {
    VersionedApp app = marathon.getApp(appId).getApp();
    return app.getTasksRunning() == running && app.getTasksStaged() == 0 && app.getDeployments().isEmpty()
        && marathon.getAppTasks(appId).getTasks().size() == running;
  }

  static MarathonException failure(Runnable call) {
    MarathonException e = catchThrowableOfType(call::run, MarathonException.class);
    assertThat(e).as("a MarathonException").isNotNull();
    return e;
  }

  @Test
  void anAppWithConstraintsHealthChecksPortsEnvAndLabelsThroughTheClient() {
    App web = sleeper("/compat/web", 1);
    web.addConstraint("hostname", "UNIQUE", "");
    web.addLabel("tier", "web");
    web.setEnv(Map.of("MODE", "compat"));
    PortDefinition http = new PortDefinition();
    http.setPort(0);
    http.setName("http");
    http.setProtocol("tcp");
    web.setPortDefinitions(List.of(http));
    HealthCheck check = new HealthCheck();
    check.setProtocol("COMMAND");
    check.setCommand(new Command("test -n \"$PORT0\" && test \"$MODE\" = compat"));
    check.setGracePeriodSeconds(60);
    check.setIntervalSeconds(1);
    check.setTimeoutSeconds(5);
    check.setMaxConsecutiveFailures(3);
    web.setHealthChecks(List.of(check));

    VersionedApp created = marathon.createApp(web);
    assertThat(created.getId()).isEqualTo("/compat/web");
    assertThat(created.getVersion()).isNotEmpty();
    assertThat(created.getDeployments()).hasSize(1);
    assertThat(created.getConstraints()).containsExactly(List.of("hostname", "UNIQUE"));
    assertThat(created.getLabels()).containsEntry("tier", "web");
    assertThat(created.getEnv()).containsEntry("MODE", "compat");
    assertThat(created.getPortDefinitions()).hasSize(1);
    assertThat(created.getHealthChecks().get(0).getProtocol()).isEqualTo("COMMAND");

    waiting().until(() -> marathon.getApp("/compat/web").getApp().getTasksHealthy() == 1
        && settled("/compat/web", 1));
    VersionedApp app = marathon.getApp("/compat/web").getApp();
    assertThat(app.getVersion()).isEqualTo(created.getVersion());
    assertThat(app.getVersionInfo().getLastConfigChangeAt()).isEqualTo(created.getVersion());
    assertThat(app.getLastTaskFailure()).isNull();
    Task task = app.getTasks().iterator().next();
    assertThat(task.getAppId()).isEqualTo("/compat/web");
    assertThat(task.getAgentId()).isNotEmpty();
    assertThat(task.getHost()).isEqualTo(ServicesFixture.HOST);
    assertThat(task.getState()).isEqualTo("TASK_RUNNING");
    assertThat(task.getPorts()).hasSize(1);
    assertThat(task.getStagedAt()).isNotEmpty();
    assertThat(task.getStartedAt()).isNotEmpty();
    assertThat(task.getVersion()).isEqualTo(created.getVersion());
    HealthCheckResults health = task.getHealthCheckResults().iterator().next();
    assertThat(health.getAlive()).isTrue();
    assertThat(health.getTaskId()).isEqualTo(task.getId());
    assertThat(health.getConsecutiveFailures()).isZero();
    assertThat(health.getLastSuccess()).isNotEmpty();

    assertThat(marathon.getAppTasks("/compat/web").getTasks()).extracting(Task::getId).containsExactly(task.getId());
    assertThat(marathon.getTasks().getTasks()).extracting(Task::getId).contains(task.getId());
    assertThat(marathon.getTasks().getTasks()).allSatisfy(t -> assertThat(t.getAgentId()).isNotEmpty());
    assertThat(marathon.getApps().getApps()).extracting(App::getId).contains("/compat/web");
    assertThat(marathon.getApps(Map.of("label", "tier==web")).getApps()).extracting(App::getId)
        .containsExactly("/compat/web");
    assertThat(marathon.getApps(Map.of("id", "COMPAT/WEB", "embed", "apps.tasks")).getApps())
        .singleElement().satisfies(a -> assertThat(a.getTasks()).hasSize(1));
    assertThat(marathon.getApps(Map.of("label", "tier!=web")).getApps()).extracting(App::getId)
        .doesNotContain("/compat/web");

    // A second instance cannot be placed: the hostname must be unique and there is one host.
    App twice = new App();
    twice.setInstances(2);
    Result scaling = marathon.updateApp("/compat/web", twice, false);
    assertThat(scaling.getDeploymentId()).isNotEmpty();
    assertThat(scaling.getVersion()).isNotEmpty();
    Deployment deployment = waiting().until(() -> deployment(scaling.getDeploymentId()), d -> d != null);
    assertThat(deployment.getAffectedApps()).containsExactly("/compat/web");
    assertThat(deployment.getVersion()).isEqualTo(scaling.getVersion());
    assertThat(deployment.getCurrentStep()).isEqualTo(1);
    assertThat(deployment.getTotalSteps()).isEqualTo(1);
    Deployment.Action action = deployment.getSteps().get(0).getActions().get(0);
    assertThat(action.getType()).isEqualTo("ScaleApplication");
    assertThat(action.getApp()).isEqualTo("/compat/web");
    assertThat(deployment.getCurrentActions()).extracting(Deployment.Action::getType)
        .containsExactly("ScaleApplication");
    QueueElement queued = waiting().until(() -> marathon.getQueue().getQueue().stream()
        .filter(q -> q.getApp().getId().equals("/compat/web")).findFirst().orElse(null), q -> q != null);
    assertThat(queued.getCount()).isEqualTo(1);
    assertThat(queued.getDelay().isOverdue()).isTrue();
    assertThat(queued.getApp().getInstances()).isEqualTo(2);

    // Locked by that deployment.
    App cpus = new App();
    cpus.setCpus(0.06);
    MarathonException locked = failure(() -> marathon.updateApp("/compat/web", cpus, false));
    assertThat(locked.getStatus()).isEqualTo(409);
    assertThat(locked.getMessage()).contains("App is locked by one or more deployments");

    // Cancelled with rollback: a new deployment takes the app back to one instance.
    Result rollback = marathon.cancelDeploymentAndRollback(scaling.getDeploymentId());
    assertThat(rollback.getDeploymentId()).isNotEmpty().isNotEqualTo(scaling.getDeploymentId());
    waiting().until(() -> marathon.getDeployments().isEmpty()
        && marathon.getApp("/compat/web").getApp().getInstances() == 1);
    assertThat(marathon.getQueue().getQueue()).noneMatch(q -> q.getApp().getId().equals("/compat/web"));

    // Cancelled with force: the deployment stops, the definition stays as it was asked.
    Result again = marathon.updateApp("/compat/web", twice, false);
    waiting().until(() -> deployment(again.getDeploymentId()) != null);
    marathon.cancelDeployment(again.getDeploymentId());
    assertThat(marathon.getDeployments()).isEmpty();
    assertThat(marathon.getApp("/compat/web").getApp().getInstances()).isEqualTo(2);
    App once = new App();
    once.setInstances(1);
    assertThat(marathon.updateApp("/compat/web", once, true).getDeploymentId()).isNotEmpty();
    waiting().until(() -> settled("/compat/web", 1));

    Result deleted = marathon.deleteApp("/compat/web");
    assertThat(deleted.getDeploymentId()).isNotEmpty();
    MarathonException gone = failure(() -> marathon.getApp("/compat/web"));
    assertThat(gone.getStatus()).isEqualTo(404);
    assertThat(gone.getMessage()).contains("App '/compat/web' does not exist");
  }

  static Deployment deployment(String id) {
    return marathon.getDeployments().stream().filter(d -> d.getId().equals(id)).findFirst().orElse(null);
  }

  @Test
  void restartVersionsAndTaskKillsThroughTheClient() {
    VersionedApp created = marathon.createApp(sleeper("/compat/plain", 2));
    waiting().until(() -> settled("/compat/plain", 2));
    List<String> first = taskIds("/compat/plain");

    Result restarted = marathon.restartApp("/compat/plain", false);
    assertThat(restarted.getDeploymentId()).isNotEmpty();
    waiting().until(() -> settled("/compat/plain", 2)
        && taskIds("/compat/plain").stream().noneMatch(first::contains));
    assertThat(marathon.getApp("/compat/plain").getApp().getVersion()).isEqualTo(restarted.getVersion());

    Collection<String> versions = marathon.getAppVersions("/compat/plain").getVersions();
    assertThat(versions).containsExactlyInAnyOrder(created.getVersion(), restarted.getVersion());
    App old = marathon.getAppVersion("/compat/plain", created.getVersion());
    assertThat(old.getCmd()).isEqualTo("sleep 600");
    assertThat(old.getInstances()).isEqualTo(2);
    MarathonException noVersion = failure(() -> marathon.getAppVersion("/compat/plain", "2001-01-01T00:00:00.000Z"));
    assertThat(noVersion.getStatus()).isEqualTo(404);

    // Killed without scaling: replaced.
    String victim = taskIds("/compat/plain").get(0);
    DeleteAppTaskResponse killed = marathon.deleteAppTask("/compat/plain", victim, "false");
    assertThat(killed.getTask().getId()).isEqualTo(victim);
    assertThat(killed.getTask().getAgentId()).isNotEmpty();
    waiting().until(() -> settled("/compat/plain", 2) && !taskIds("/compat/plain").contains(victim));

    List<String> before = taskIds("/compat/plain");
    DeleteAppTasksResponse all = marathon.deleteAppTasks("/compat/plain", ServicesFixture.HOST, "false");
    assertThat(all.getTasks()).extracting(Task::getId).containsExactlyInAnyOrderElementsOf(before);
    waiting().until(() -> settled("/compat/plain", 2) && taskIds("/compat/plain").stream().noneMatch(before::contains));
    assertThat(marathon.deleteAppTasks("/compat/plain", "elsewhere.example", "false").getTasks()).isEmpty();

    // Killed with scale: the app shrinks by exactly those tasks.
    String shrink = taskIds("/compat/plain").get(0);
    marathon.deleteAppTask("/compat/plain", shrink, "true");
    waiting().until(() -> settled("/compat/plain", 1) && !taskIds("/compat/plain").contains(shrink));
    assertThat(marathon.getApp("/compat/plain").getApp().getInstances()).isEqualTo(1);
    marathon.deleteAppTasks("/compat/plain", null, "true");
    waiting().until(() -> settled("/compat/plain", 0));
    assertThat(marathon.getApp("/compat/plain").getApp().getInstances()).isZero();

    MarathonException noTask = failure(() -> marathon.deleteAppTask("/compat/plain",
        "compat_plain.instance-00000000-0000-0000-0000-000000000000._app.1", "false"));
    assertThat(noTask.getStatus()).isEqualTo(404);
    assertThat(noTask.getMessage()).contains("does not exist");
    marathon.deleteApp("/compat/plain");
  }

  @Test
  void errorsArriveAsMarathonExceptionsWithStatusAndMessage() {
    App bad = sleeper("/compat/bad", 1);
    bad.setCpus(-1.0);
    MarathonException invalid = failure(() -> marathon.createApp(bad));
    assertThat(invalid.getStatus()).isEqualTo(422);
    assertThat(invalid.getMessage()).contains("Object is not valid").contains("/cpus: ");

    App badConstraint = sleeper("/compat/bad", 1);
    badConstraint.addConstraint("hostname", "MAX_PER", "");
    MarathonException constraint = failure(() -> marathon.createApp(badConstraint));
    assertThat(constraint.getStatus()).isEqualTo(422);
    assertThat(constraint.getMessage()).contains("/constraints(0): MAX_PER requires an integer value");

    marathon.createApp(sleeper("/compat/twice", 0));
    MarathonException exists = failure(() -> marathon.createApp(sleeper("/compat/twice", 0)));
    assertThat(exists.getStatus()).isEqualTo(409);
    assertThat(exists.getMessage()).contains("An app with id [/compat/twice] already exists.");

    MarathonException missing = failure(() -> marathon.getApp("/compat/nothing"));
    assertThat(missing.getStatus()).isEqualTo(404);
    assertThat(missing.getMessage()).contains("App '/compat/nothing' does not exist");
    assertThat(failure(() -> marathon.getAppTasks("/compat/nothing")).getStatus()).isEqualTo(404);
    assertThat(failure(() -> marathon.restartApp("/compat/nothing", false)).getStatus()).isEqualTo(404);
    assertThat(failure(() -> marathon.deleteApp("/compat/nothing")).getStatus()).isEqualTo(404);
    MarathonException noDeployment = failure(() -> marathon.cancelDeploymentAndRollback("no-such-deployment"));
    assertThat(noDeployment.getStatus()).isEqualTo(404);
    assertThat(noDeployment.getMessage()).contains("DeploymentPlan no-such-deployment does not exist");
    // Event subscriptions left Marathon in 1.5: a 404 the client can read.
    assertThat(failure(() -> marathon.subscriptions()).getStatus()).isEqualTo(404);
    marathon.deleteApp("/compat/twice");
  }

  @Test
  void groupsThroughTheClient() {
    Group shop = new Group("/compat/shop");
    Group back = new Group("back");
    back.setApps(List.of(sleeper("api", 1)));
    shop.setApps(List.of(sleeper("front", 1)));
    shop.setGroups(List.of(back));
    Result created = marathon.createGroup(shop);
    assertThat(created.getDeploymentId()).isNotEmpty();
    assertThat(created.getVersion()).isNotEmpty();
    waiting().until(() -> settled("/compat/shop/front", 1) && settled("/compat/shop/back/api", 1));
    String frontTask = taskIds("/compat/shop/front").get(0);

    Group got = marathon.getGroup("/compat/shop");
    assertThat(got.getId()).isEqualTo("/compat/shop");
    assertThat(got.getVersion()).isEqualTo(created.getVersion());
    assertThat(got.getApps()).extracting(App::getId).containsExactly("/compat/shop/front");
    assertThat(got.getApps()).allSatisfy(a -> assertThat(a.getCmd()).isEqualTo("sleep 600"));
    assertThat(got.getGroups()).extracting(Group::getId).containsExactly("/compat/shop/back");
    assertThat(got.getGroups().iterator().next().getApps()).extracting(App::getId)
        .containsExactly("/compat/shop/back/api");
    assertThat(got.getDependencies()).isEmpty();
    assertThat(marathon.getGroup("/compat").getGroups()).extracting(Group::getId).contains("/compat/shop");

    MarathonException exists = failure(() -> marathon.createGroup(shop));
    assertThat(exists.getStatus()).isEqualTo(409);
    assertThat(exists.getMessage()).contains("Group /compat/shop is already created. Use PUT to change this group.");
    MarathonException unknown = failure(() -> marathon.getGroup("/compat/none"));
    assertThat(unknown.getStatus()).isEqualTo(404);
    assertThat(unknown.getMessage()).contains("Group '/compat/none' does not exist");
    Group invalid = new Group("/compat/shop");
    App bad = sleeper("front", 1);
    bad.setMem(-1.0);
    invalid.setApps(List.of(bad));
    MarathonException rejected = failure(() -> marathon.updateGroup("/compat/shop", false, invalid));
    assertThat(rejected.getStatus()).isEqualTo(422);
    assertThat(rejected.getMessage()).contains("/apps(0)/mem: ");

    // front scaled to 2 (its task stays), the child group and its app removed: one deployment.
    Group update = new Group("/compat/shop");
    update.setApps(List.of(sleeper("front", 2)));
    update.setGroups(List.of());
    Result updated = marathon.updateGroup("/compat/shop", false, update);
    assertThat(updated.getDeploymentId()).isNotEmpty().isNotEqualTo(created.getDeploymentId());
    waiting().until(() -> settled("/compat/shop/front", 2) && marathon.getDeployments().isEmpty());
    assertThat(taskIds("/compat/shop/front")).contains(frontTask);
    assertThat(failure(() -> marathon.getApp("/compat/shop/back/api")).getStatus()).isEqualTo(404);
    assertThat(marathon.getGroup("/compat/shop").getGroups()).isEmpty();

    Result deleted = marathon.deleteGroup("/compat/shop", false);
    assertThat(deleted.getDeploymentId()).isNotEmpty();
    assertThat(failure(() -> marathon.getGroup("/compat/shop")).getStatus()).isEqualTo(404);
    waiting().until(() -> marathon.getTasks().getTasks().stream().noneMatch(t -> t.getAppId().startsWith("/compat/shop/")));
    assertThat(failure(() -> marathon.deleteGroup("/compat/shop", true)).getStatus()).isEqualTo(404);
  }

  @Test
  void serverInfo() {
    GetServerInfoResponse info = marathon.getServerInfo();
    assertThat(info.getName()).isEqualTo("meso-services");
    assertThat(info.getVersion()).isNotEmpty();
    assertThat(info.getElected()).isTrue();
    assertThat(info.getLeader()).startsWith("127.0.0.1:");
    assertThat(info.getFrameworkId()).isNotEmpty();
    assertThat(info.getMarathon_config().getFramework_name()).isEqualTo("meso-services");
    assertThat(info.getMarathon_config().getFailover_timeout()).isPositive();
    assertThat(info.getHttp_config().getHttp_port()).isEqualTo(String.valueOf(f.port()));
  }

  @Test
  void anAutoscalePolicyIsReadPastByTheClientAndSurvivesItsUpdates() {
    // Marathon has no autoscale field: the client must read the app anyway, and its PUT (which
    // cannot carry the field) leaves the policy as it was.
    io.vertx.core.json.JsonObject policy = new io.vertx.core.json.JsonObject().put("targetCpuUtilization", 0.5)
        .put("minInstances", 1).put("maxInstances", 4).put("scaleDownStabilizationSeconds", 3600);
    ServicesFixture.Response created = f.post("/v2/apps", new io.vertx.core.json.JsonObject().put("id", "/compat/scaled")
        .put("cmd", "sleep 600").put("cpus", 0.05).put("mem", 16).put("instances", 1).put("autoscale", policy));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    VersionedApp read = marathon.getApp("/compat/scaled").getApp();
    assertThat(read.getId()).isEqualTo("/compat/scaled");
    assertThat(read.getInstances()).isEqualTo(1);

    App update = new App();
    update.setInstances(2);
    marathon.updateApp("/compat/scaled", update, true);
    waiting().until(() -> settled("/compat/scaled", 2));
    assertThat(f.app("/compat/scaled").getJsonObject("autoscale").getInteger("maxInstances")).isEqualTo(4);
    marathon.deleteApp("/compat/scaled");
  }
}
