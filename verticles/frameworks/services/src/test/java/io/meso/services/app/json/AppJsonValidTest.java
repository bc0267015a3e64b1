package io.meso.services.app.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.services.app.App;
import io.meso.services.app.EnvValue;
import io.meso.services.app.PathId;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Valid definitions: each row is a body, a top-level field of the rendered app and the exact JSON
 * Marathon would send for it (' for "). A null expectation means the field must be absent.
 */
class AppJsonValidTest {

  static final String OK = "'id':'/a','cmd':'sleep 1',";

  static Stream<Arguments> valid() {
    return Stream.of(
        // ids
        row("{'id':'a','cmd':'x'}", "id", "'/a'"),
        row("{'id':'/a/b/../c/','cmd':'x'}", "id", "'/a/c'"),
        row("{'id':'/prod/web.v2-1','cmd':'x'}", "id", "'/prod/web.v2-1'"),
        // cmd, args, container
        row("{'id':'/a','args':['sleep','1']}", "args", "['sleep','1']"),
        row("{'id':'/a','args':['sleep','1']}", "cmd", null),
        row("{'id':'/a','container':{'docker':{'image':'nginx'}}}", "container", "{'docker':{'image':'nginx'}}"),
        row("{'id':'/a','container':{'type':'MESOS'}}", "container", "{'type':'MESOS'}"),
        row("{'id':'/a','args':['-v'],'container':{'type':'DOCKER','docker':{'image':'i'}}}", "args", "['-v']"),
        row("{'id':'/a','cmd':'x','container':{'type':'MESOS','docker':{'image':'i'}}}", "cmd", "'x'"),
        // null reads as absent, as in Marathon
        row("{" + OK + "'user':null,'constraints':null,'cpus':null}", "cpus", "1.0"),
        row("{" + OK + "'user':'nobody'}", "user", "'nobody'"),
        // resources at their bounds
        row("{" + OK + "'cpus':0.001}", "cpus", "0.001"),
        row("{" + OK + "'instances':0}", "instances", "0"),
        row("{" + OK + "'instances':2.0}", "instances", "2"),
        row("{" + OK + "'mem':0,'disk':1024.5}", "disk", "1024.5"),
        row("{" + OK + "'gpus':2}", "gpus", "2"),
        row("{" + OK + "'executor':'//cmd'}", "executor", "'//cmd'"),
        // constraints
        row("{" + OK + "'constraints':[['hostname','UNIQUE','']]}", "constraints", "[['hostname','UNIQUE']]"),
        row("{" + OK + "'constraints':[['hostname','unique']]}", "constraints", "[['hostname','UNIQUE']]"),
        row("{" + OK + "'constraints':[['@hostname','CLUSTER','a.b']]}", "constraints", "[['@hostname','CLUSTER','a.b']]"),
        row("{" + OK + "'constraints':[['rack','CLUSTER']]}", "constraints", "[['rack','CLUSTER']]"),
        row("{" + OK + "'constraints':[['@zone','GROUP_BY','3'],['@region','GROUP_BY']]}", "constraints",
            "[['@zone','GROUP_BY','3'],['@region','GROUP_BY']]"),
        row("{" + OK + "'constraints':[['hostname','MAX_PER','2']]}", "constraints", "[['hostname','MAX_PER','2']]"),
        row("{" + OK + "'constraints':[['rack','LIKE','rack-[0-9]+'],['rack','UNLIKE','rack-1']]}", "constraints",
            "[['rack','LIKE','rack-[0-9]+'],['rack','UNLIKE','rack-1']]"),
        row("{" + OK + "'constraints':[['size','IS','1.5'],['os','IS','linux_x86-64/v1']]}", "constraints",
            "[['size','IS','1.5'],['os','IS','linux_x86-64/v1']]"),
        row("{" + OK + "'constraints':[]}", "constraints", null),
        // env, labels
        row("{" + OK + "'env':{'A':'1','DB':{'secret':'db-pass'}}}", "env", "{'A':'1','DB':{'secret':'db-pass'}}"),
        row("{" + OK + "'labels':{'owner':'ops'}}", "labels", "{'owner':'ops'}"),
        // strategies and kill selection
        row("{" + OK + "'unreachableStrategy':'disabled'}", "unreachableStrategy", "'disabled'"),
        row("{" + OK + "'unreachableStrategy':{'expungeAfterSeconds':600}}", "unreachableStrategy",
            "{'inactiveAfterSeconds':0,'expungeAfterSeconds':600}"),
        row("{" + OK + "'unreachableStrategy':{'inactiveAfterSeconds':60,'expungeAfterSeconds':600}}", "unreachableStrategy",
            "{'inactiveAfterSeconds':60,'expungeAfterSeconds':600}"),
        row("{" + OK + "'upgradeStrategy':{'minimumHealthCapacity':0.5,'maximumOverCapacity':0}}", "upgradeStrategy",
            "{'maximumOverCapacity':0.0,'minimumHealthCapacity':0.5}"),
        row("{" + OK + "'killSelection':'OLDEST_FIRST'}", "killSelection", "'OLDEST_FIRST'"),
        row("{" + OK + "'taskKillGracePeriodSeconds':30}", "taskKillGracePeriodSeconds", "30"),
        // ports
        row("{" + OK + "'portDefinitions':[]}", "portDefinitions", "[]"),
        row("{" + OK + "'portDefinitions':[{'port':8080,'name':'http','labels':{'vip':'1.2.3.4:80'}},{'protocol':'udp'}]}",
            "portDefinitions",
            "[{'port':8080,'labels':{'vip':'1.2.3.4:80'},'name':'http','protocol':'tcp'},{'port':0,'protocol':'udp'}]"),
        row("{" + OK + "'ports':[0,8080]}", "portDefinitions", "[{'port':0,'protocol':'tcp'},{'port':8080,'protocol':'tcp'}]"),
        row("{" + OK + "'ports':[0,8080]}", "ports", null),
        row("{" + OK + "'ports':[8080],'portDefinitions':[{'port':8080,'name':'web'}]}", "portDefinitions",
            "[{'port':8080,'name':'web','protocol':'tcp'}]"),
        row("{" + OK + "'requirePorts':true,'portDefinitions':[{'port':8080}]}", "requirePorts", "true"),
        row("{" + OK + "'networks':[{'mode':'container/bridge'}],'requirePorts':true}", "requirePorts", "false"),
        row("{" + OK + "'networks':[{'mode':'container','name':'dcos'}],'portDefinitions':[{'port':1}]}", "portDefinitions", null),
        row("{" + OK + "'networks':[{'mode':'container','name':'dcos'}]}", "networks", "[{'mode':'container','name':'dcos'}]"),
        // fetch and the deprecated uris
        row("{" + OK + "'fetch':[{'uri':'https://a/b.py'}]}", "fetch",
            "[{'uri':'https://a/b.py','extract':true,'executable':false,'cache':false}]"),
        row("{" + OK + "'fetch':[{'uri':'https://a/b.zip','executable':true,'cache':true,'destPath':'c.zip','extract':false}]}",
            "fetch", "[{'uri':'https://a/b.zip','extract':false,'executable':true,'cache':true,'destPath':'c.zip'}]"),
        row("{" + OK + "'uris':['https://a/b.tgz','https://a/run.sh']}", "fetch",
            "[{'uri':'https://a/b.tgz','extract':true,'executable':false,'cache':false},"
                + "{'uri':'https://a/run.sh','extract':false,'executable':false,'cache':false}]"),
        row("{" + OK + "'uris':['https://a/b.tgz']}", "uris", null),
        // health checks (portIndex 0 made explicit when the app has ports)
        row("{" + OK + "'healthChecks':[{}]}", "healthChecks",
            "[{'gracePeriodSeconds':300,'ignoreHttp1xx':false,'intervalSeconds':60,'maxConsecutiveFailures':3,"
                + "'portIndex':0,'protocol':'HTTP','ipProtocol':'IPv4','timeoutSeconds':20,'delaySeconds':15}]"),
        row("{" + OK + "'healthChecks':[{'protocol':'HTTPS','path':'/health','port':8443,'ignoreHttp1xx':true,"
                + "'gracePeriodSeconds':10,'intervalSeconds':5,'timeoutSeconds':2,'maxConsecutiveFailures':0}]}", "healthChecks",
            "[{'gracePeriodSeconds':10,'ignoreHttp1xx':true,'intervalSeconds':5,'maxConsecutiveFailures':0,"
                + "'path':'/health','port':8443,'protocol':'HTTPS','ipProtocol':'IPv4','timeoutSeconds':2,'delaySeconds':15}]"),
        row("{" + OK + "'healthChecks':[{'protocol':'COMMAND','command':{'value':'curl -f localhost'}}]}", "healthChecks",
            "[{'gracePeriodSeconds':300,'command':{'value':'curl -f localhost'},'intervalSeconds':60,"
                + "'maxConsecutiveFailures':3,'protocol':'COMMAND','ipProtocol':'IPv4','timeoutSeconds':20,'delaySeconds':15}]"),
        row("{" + OK + "'healthChecks':[{'protocol':'TCP'},{'protocol':'MESOS_TCP','delaySeconds':1}]}", "healthChecks",
            "[{'gracePeriodSeconds':300,'intervalSeconds':60,'maxConsecutiveFailures':3,'portIndex':0,'protocol':'TCP',"
                + "'ipProtocol':'IPv4','timeoutSeconds':20,'delaySeconds':15},"
                + "{'gracePeriodSeconds':300,'intervalSeconds':60,'maxConsecutiveFailures':3,'portIndex':0,'protocol':'MESOS_TCP',"
                + "'ipProtocol':'IPv4','timeoutSeconds':20,'delaySeconds':1}]"),
        row("{" + OK + "'healthChecks':[{'protocol':'COMMAND','command':{'value':'a'}},{'protocol':'COMMAND','command':{'value':'b'}},"
            + "{'protocol':'MESOS_HTTP'}]}", "instances", "1"),
        row("{" + OK + "'container':{'type':'DOCKER','docker':{'image':'i'}},"
            + "'healthChecks':[{'protocol':'MESOS_HTTPS','ipProtocol':'IPv6','portIndex':0}]}", "instances", "1"),
        // readiness checks
        row("{" + OK + "'portDefinitions':[{'name':'http-api'}],'readinessChecks':[{}]}", "readinessChecks",
            "[{'name':'readinessCheck','protocol':'HTTP','path':'/','portName':'http-api','intervalSeconds':30,"
                + "'timeoutSeconds':10,'httpStatusCodesForReady':[200],'preserveLastResponse':false}]"),
        row("{" + OK + "'container':{'type':'MESOS','portMappings':[{'containerPort':80,'name':'web'}]},"
                + "'networks':[{'mode':'container/bridge'}],"
                + "'readinessChecks':[{'portName':'web','httpStatusCodesForReady':[200,204],'preserveLastResponse':true}]}",
            "readinessChecks",
            "[{'name':'readinessCheck','protocol':'HTTP','path':'/','portName':'web','intervalSeconds':30,"
                + "'timeoutSeconds':10,'httpStatusCodesForReady':[200,204],'preserveLastResponse':true}]"),
        // dependencies are made absolute from the app's group
        row("{'id':'/prod/web','cmd':'x','dependencies':['db','/ops/log','../shared/cache']}", "dependencies",
            "['/prod/db','/ops/log','/shared/cache']"),
        // fields the definition does not carry are ignored, read-only ones too
        row("{" + OK + "'tasksRunning':3,'deployments':[{'id':'x'}],'whatever':1}", "tasksRunning", null),
        row("{" + OK + "'version':'2026-01-31T12:00:00.5+01:00'}", "version", "'2026-01-31T11:00:00.500Z'"));
  }

  private static Arguments row(String body, String field, String expected) {
    return Arguments.of(body.replace('\'', '"'), field, expected == null ? null : expected.replace('\'', '"'));
  }

  @ParameterizedTest(name = "[{index}] {1} = {2}")
  @MethodSource("valid")
  void acceptsAndRendersAsMarathon(String body, String field, String expected) {
    AppResult result = AppJson.parse(body);
    assertThat(result).as(String.valueOf(result)).isInstanceOf(AppResult.Valid.class);
    JsonObject rendered = AppWriter.render(((AppResult.Valid) result).app());
    if (expected == null) {
      assertThat(rendered.containsKey(field)).as(field + " in " + rendered).isFalse();
    } else {
      assertThat(Json.encode(rendered.getValue(field))).isEqualTo(expected);
    }
  }

  @Test
  void minimalAppGetsEveryMarathonDefault() {
    App app = ((AppResult.Valid) AppJson.parse("{\"id\":\"/a\",\"cmd\":\"sleep 1\"}")).app();
    assertThat(AppWriter.render(app)).isEqualTo(new JsonObject("""
        {"id":"/a","backoffFactor":1.15,"backoffSeconds":1,"cmd":"sleep 1","cpus":1.0,"disk":0.0,
         "executor":"","instances":1,"labels":{},"maxLaunchDelaySeconds":300,"mem":128.0,"gpus":0,
         "networks":[{"mode":"host"}],"portDefinitions":[{"port":0,"name":"default","protocol":"tcp"}],
         "requirePorts":false,"upgradeStrategy":{"maximumOverCapacity":1.0,"minimumHealthCapacity":1.0},
         "killSelection":"YOUNGEST_FIRST",
         "unreachableStrategy":{"inactiveAfterSeconds":0,"expungeAfterSeconds":0}}"""));
    // the field order is Marathon's (its RAML App type)
    assertThat(AppWriter.render(app).fieldNames()).containsExactly("id", "backoffFactor", "backoffSeconds", "cmd",
        "cpus", "disk", "executor", "instances", "labels", "maxLaunchDelaySeconds", "mem", "gpus", "networks",
        "portDefinitions", "requirePorts", "upgradeStrategy", "killSelection", "unreachableStrategy");
  }

  @Test
  void rendersVersionsWithMillisecondsInUtc() {
    Instant t = Instant.parse("2026-03-04T05:06:07Z");
    App app = ((AppResult.Valid) AppJson.parse("{\"id\":\"/a\",\"cmd\":\"x\"}")).app()
        .withVersion(t, new io.meso.services.app.VersionInfo(t, Instant.parse("2026-03-04T05:06:07.089Z")));
    JsonObject rendered = AppWriter.render(app);
    assertThat(rendered.getString("version")).isEqualTo("2026-03-04T05:06:07.000Z");
    assertThat(rendered.getJsonObject("versionInfo")).isEqualTo(new JsonObject()
        .put("lastScalingAt", "2026-03-04T05:06:07.000Z").put("lastConfigChangeAt", "2026-03-04T05:06:07.089Z"));
  }

  @Test
  void readOnlyFieldsAreAppendedByTheCaller() {
    App app = ((AppResult.Valid) AppJson.parse("{\"id\":\"/a\",\"cmd\":\"x\"}")).app();
    JsonObject failure = new JsonObject().put("appId", "/a").put("state", "TASK_FAILED");
    JsonObject info = AppWriter.render(app, new AppStatus(1, 2, 3, 4, List.of("d-1"),
        new JsonArray().add(new JsonObject().put("id", "a.instance-1._app.1")), failure));
    assertThat(info.getInteger("tasksStaged")).isEqualTo(1);
    assertThat(info.getInteger("tasksRunning")).isEqualTo(2);
    assertThat(info.getInteger("tasksHealthy")).isEqualTo(3);
    assertThat(info.getInteger("tasksUnhealthy")).isEqualTo(4);
    assertThat(info.getJsonArray("deployments")).isEqualTo(new JsonArray().add(new JsonObject().put("id", "d-1")));
    assertThat(info.getJsonArray("tasks")).hasSize(1);
    assertThat(info.getJsonObject("lastTaskFailure")).isEqualTo(failure);
    JsonObject none = AppWriter.render(app, AppStatus.NONE);
    assertThat(none.getJsonArray("deployments")).isEmpty();
    assertThat(none.containsKey("tasks")).isFalse();
    assertThat(none.containsKey("lastTaskFailure")).isFalse();
  }

  @Test
  void neverRendersTheDeprecatedFields() {
    JsonObject rendered = AppWriter.render(((AppResult.Valid) AppJson.parse(
        "{\"id\":\"/a\",\"cmd\":\"x\",\"ports\":[1],\"uris\":[\"http://a/b\"],\"ipAddress\":{}}")).app());
    assertThat(rendered.fieldNames()).doesNotContain("ports", "uris", "ipAddress");
  }

  @Test
  void envKeepsSecretReferences() {
    App app = ((AppResult.Valid) AppJson.parse(
        "{\"id\":\"/a\",\"cmd\":\"x\",\"env\":{\"P\":{\"secret\":\"pw\"},\"A\":\"b\"}}")).app();
    assertThat(app.env()).containsEntry("P", new EnvValue.SecretRef("pw")).containsEntry("A", new EnvValue.Literal("b"));
    assertThat(app.id()).isEqualTo(PathId.absolute("/a"));
  }
}
