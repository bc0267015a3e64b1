package io.meso.services.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.services.app.App;
import io.meso.services.app.json.AppJson;
import io.meso.services.app.json.AppResult;
import io.meso.services.app.VersionInfo;
import io.meso.services.placement.MatchResult;
import io.meso.v1.AgentID;
import io.meso.v1.CommandInfo;
import io.meso.v1.Environment;
import io.meso.v1.HealthCheck;
import io.meso.v1.Offer;
import io.meso.v1.OfferID;
import io.meso.v1.TaskInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The task of one instance: command, environment, labels and the agent-side health check. */
class TaskInfosTest {

  static final Instant VERSION = Instant.parse("2026-01-02T03:04:05.678Z");
  static final Offer OFFER = Offer.newBuilder().setId(OfferID.newBuilder().setValue("o1"))
      .setAgentId(AgentID.newBuilder().setValue("a1")).setHostname("h1").build();
  static final MatchResult.Match MATCH = new MatchResult.Match(OFFER, List.of(), List.of(31005, 31006),
      Map.of("HOST", "h1", "PORT0", "31005", "PORT1", "31006", "PORT", "31005", "PORTS", "31005,31006"), OFFER);

  static App app(JsonObject json) {
    App app = ((AppResult.Valid) AppJson.parse(json)).app();
    return app.withVersion(VERSION, VersionInfo.forNewConfig(VERSION));
  }

  static Map<String, String> env(TaskInfo task) {
    return task.getCommand().getEnvironment().getVariablesList().stream()
        .collect(Collectors.toMap(Environment.Variable::getName, Environment.Variable::getValue));
  }

  @Test
  void cmdRunsThroughTheShellWithMarathonsEnvironmentAndLabels() {
    App app = app(new JsonObject().put("id", "/g/web").put("cmd", "sleep 60")
        .put("env", new JsonObject().put("MODE", "prod").put("HOST", "overridden"))
        .put("labels", new JsonObject().put("tier", "web")));
    TaskInfo task = TaskInfos.task(app, "g_web.instance-1._app.1", MATCH);

    assertThat(task.getTaskId().getValue()).isEqualTo("g_web.instance-1._app.1");
    assertThat(task.getAgentId().getValue()).isEqualTo("a1");
    assertThat(task.getCommand().getShell()).isTrue();
    assertThat(task.getCommand().getValue()).isEqualTo("sleep 60");
    assertThat(env(task)).containsEntry("MODE", "prod").containsEntry("HOST", "h1")
        .containsEntry("PORT0", "31005").containsEntry("PORTS", "31005,31006")
        .containsEntry("MESOS_TASK_ID", "g_web.instance-1._app.1")
        .containsEntry("MARATHON_APP_ID", "/g/web")
        .containsEntry("MARATHON_APP_VERSION", "2026-01-02T03:04:05.678Z")
        .containsEntry("MARATHON_APP_LABELS", "tier")
        .containsEntry("MARATHON_APP_LABEL_TIER", "web");
    assertThat(task.getLabels().getLabels(0).getKey()).isEqualTo("tier");
    assertThat(task.hasHealthCheck()).isFalse();
  }

  @Test
  void argsRunWithoutTheShell() {
    App app = app(new JsonObject().put("id", "/a").put("args", new JsonArray().add("/bin/sleep").add("60")));
    CommandInfo command = TaskInfos.task(app, "a.instance-1._app.1", MATCH).getCommand();
    assertThat(command.getShell()).isFalse();
    assertThat(command.getValue()).isEqualTo("/bin/sleep");
    assertThat(command.getArgumentsList()).containsExactly("/bin/sleep", "60");
  }

  @Test
  void healthChecksBecomeAgentSideChecksOnTheHostPort() {
    JsonObject http = new JsonObject().put("protocol", "HTTP").put("path", "/health").put("portIndex", 1)
        .put("intervalSeconds", 5).put("timeoutSeconds", 2).put("gracePeriodSeconds", 30)
        .put("maxConsecutiveFailures", 4).put("delaySeconds", 1);
    HealthCheck h = TaskInfos.task(app(new JsonObject().put("id", "/h").put("cmd", "x")
            .put("portDefinitions", new JsonArray().add(new JsonObject().put("port", 0))
                .add(new JsonObject().put("port", 0)))
            .put("healthChecks", new JsonArray().add(http))), "t", MATCH).getHealthCheck();
    assertThat(h.getType()).isEqualTo(HealthCheck.Type.HTTP);
    assertThat(h.getHttp().getPort()).isEqualTo(31006);
    assertThat(h.getHttp().getPath()).isEqualTo("/health");
    assertThat(h.getHttp().getScheme()).isEqualTo("http");
    assertThat(h.getIntervalSeconds()).isEqualTo(5);
    assertThat(h.getTimeoutSeconds()).isEqualTo(2);
    assertThat(h.getGracePeriodSeconds()).isEqualTo(30);
    assertThat(h.getConsecutiveFailures()).isEqualTo(4);
    assertThat(h.getDelaySeconds()).isEqualTo(1);

    HealthCheck tcp = TaskInfos.task(app(new JsonObject().put("id", "/t").put("cmd", "x")
        .put("healthChecks", new JsonArray().add(new JsonObject().put("protocol", "MESOS_TCP")))), "t", MATCH)
        .getHealthCheck();
    assertThat(tcp.getType()).isEqualTo(HealthCheck.Type.TCP);
    assertThat(tcp.getTcp().getPort()).isEqualTo(31005);

    HealthCheck command = TaskInfos.task(app(new JsonObject().put("id", "/c").put("cmd", "x")
        .put("healthChecks", new JsonArray().add(new JsonObject().put("protocol", "COMMAND")
            .put("command", new JsonObject().put("value", "test -f /tmp/ok")).put("maxConsecutiveFailures", 0)))),
        "t", MATCH).getHealthCheck();
    assertThat(command.getType()).isEqualTo(HealthCheck.Type.COMMAND);
    assertThat(command.getCommand().getValue()).isEqualTo("test -f /tmp/ok");
    // Marathon's 0 (never kill) is the largest uint32 for the agent.
    assertThat(Integer.toUnsignedLong(command.getConsecutiveFailures())).isEqualTo(4294967295L);
  }
}
