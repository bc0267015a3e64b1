package io.meso.services.app.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.services.app.PathId;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Invalid definitions and the 422 detail each must produce: the path in Marathon's style and the
 * exact message. Bodies are written with ' for " to keep the table readable.
 */
class AppJsonInvalidTest {

  static final String OK = "'id':'/a','cmd':'sleep 1',";
  static final String CONSTRAINT_FORM = "expected [field, OPERATOR] or [field, OPERATOR, value] (strings)";

  static Stream<Arguments> invalid() {
    return Stream.of(
        // cmd, args, container
        row("{'id':'/a'}", "/", AppRules.CMD_ARGS_OR_CONTAINER),
        row("{'id':'/a','cmd':'x','args':['y']}", "/", AppRules.CMD_ARGS_OR_CONTAINER),
        row("{'id':'/a','cmd':'x','args':['y'],'container':{'docker':{'image':'i'}}}", "/", AppRules.CMD_ARGS_OR_CONTAINER),
        row("{'id':'/a','container':{'type':'DOCKER','docker':null,'volumes':[]}}", "/container/docker",
            "docker: not defined, expected {\"image\": ...} for a DOCKER container"),
        row("{'id':'/a','container':{'type':'MESOS','docker':{'image':''}}}", "/container/docker/image",
            "image: got \"\" (a string), expected a non-empty image name"),
        row("{'id':'/a','container':{'type':'RKT'}}", "/container/type",
            "type: got \"RKT\" (a string), expected one of DOCKER, MESOS"),
        row("{'id':'/a','cmd':''}", "/cmd", "cmd: got \"\" (a string), expected a non-empty string"),
        row("{'id':'/a','cmd':7}", "/cmd", "cmd: got 7, expected a string"),
        row("{'id':'/a','args':['a',1]}", "/args(1)", "args(1): got 1, expected a string"),
        row("{'id':'/a','args':'sleep 1'}", "/args", "args: got \"sleep 1\" (a string), expected an array"),
        // id
        row("{'cmd':'x'}", "/id", "id: got null, expected the app's id, such as /group/app"),
        row("{'id':5,'cmd':'x'}", "/id", "id: got 5, expected a string"),
        row("{'id':'/My_App','cmd':'x'}", "/id", "'/My_App' must fully match regular expression '"
            + PathId.SEGMENT.pattern() + "' (segment 'My_App' does not): lower-case letters, digits, dots and inner dashes only"),
        row("{'id':'/a/tasks','cmd':'x'}", "/id",
            "'/a/tasks' must not end with any of the following reserved keywords: restart, tasks, versions, ., .."),
        row("{'id':'/','cmd':'x'}", "/id", "'/' Path must contain at least one path element"),
        row("{'id':'/','cmd':'x'}", "/", "must not be root"),
        // resources and counts
        row("{" + OK + "'cpus':0}", "/cpus", "cpus: got 0, expected 0.001 or more"),
        row("{" + OK + "'cpus':0.0001}", "/cpus", "cpus: got 1.0E-4, expected 0.001 or more"),
        row("{" + OK + "'cpus':'abc'}", "/cpus", "cpus: got \"abc\" (a string), expected a number"),
        row("{" + OK + "'cpus':'1'}", "/cpus", "cpus: got \"1\" (a string), expected a number"),
        row("{" + OK + "'mem':-1}", "/mem", "mem: got -1, expected 0 or more"),
        row("{" + OK + "'disk':-0.5}", "/disk", "disk: got -0.5, expected 0 or more"),
        row("{" + OK + "'gpus':-1}", "/gpus", "gpus: got -1, expected 0 or more"),
        row("{" + OK + "'instances':-1}", "/instances", "instances: got -1, expected 0 or more"),
        row("{" + OK + "'instances':1.5}", "/instances", "instances: got 1.5, expected an integer, 0 or more"),
        row("{" + OK + "'instances':true}", "/instances", "instances: got true (a boolean), expected an integer, 0 or more"),
        row("{" + OK + "'instances':3000000000}", "/instances", "instances: got 3000000000, expected between 0 and 2147483647"),
        row("{" + OK + "'backoffFactor':0.5}", "/backoffFactor", "backoffFactor: got 0.5, expected 1 or more"),
        row("{" + OK + "'backoffSeconds':-1}", "/backoffSeconds", "backoffSeconds: got -1, expected 0 or more"),
        row("{" + OK + "'maxLaunchDelaySeconds':'300'}", "/maxLaunchDelaySeconds",
            "maxLaunchDelaySeconds: got \"300\" (a string), expected an integer, 0 or more"),
        row("{" + OK + "'taskKillGracePeriodSeconds':-1}", "/taskKillGracePeriodSeconds",
            "taskKillGracePeriodSeconds: got -1, expected 0 or more"),
        row("{" + OK + "'requirePorts':'yes'}", "/requirePorts", "requirePorts: got \"yes\" (a string), expected true or false"),
        row("{" + OK + "'executor':'a//b'}", "/executor",
            "executor: got \"a//b\" (a string), expected \"\", \"//cmd\" or an executor path such as /opt/my-executor"),
        row("{" + OK + "'user':['root']}", "/user", "user: got an array, expected a string"),
        // enums
        row("{" + OK + "'killSelection':'NEWEST'}", "/killSelection",
            "killSelection: got \"NEWEST\" (a string), expected one of YOUNGEST_FIRST, OLDEST_FIRST"),
        row("{" + OK + "'unreachableStrategy':'never'}", "/unreachableStrategy",
            "unreachableStrategy: got \"never\" (a string), expected \"disabled\" or {\"inactiveAfterSeconds\": n, \"expungeAfterSeconds\": m}"),
        row("{" + OK + "'unreachableStrategy':{'inactiveAfterSeconds':10,'expungeAfterSeconds':5}}",
            "/unreachableStrategy/inactiveAfterSeconds",
            "inactiveAfterSeconds (10) must be less or equal to expungeAfterSeconds, which is 5"),
        row("{" + OK + "'unreachableStrategy':{'inactiveAfterSeconds':60}}", "/unreachableStrategy/inactiveAfterSeconds",
            "inactiveAfterSeconds (60) must be less or equal to expungeAfterSeconds, which is 0"),
        row("{" + OK + "'unreachableStrategy':{'inactiveAfterSeconds':-1}}", "/unreachableStrategy/inactiveAfterSeconds",
            "inactiveAfterSeconds: got -1, expected 0 or more"),
        row("{" + OK + "'upgradeStrategy':{'minimumHealthCapacity':1.5}}", "/upgradeStrategy/minimumHealthCapacity",
            "minimumHealthCapacity: got 1.5, expected between 0 and 1"),
        row("{" + OK + "'upgradeStrategy':{'maximumOverCapacity':-0.1}}", "/upgradeStrategy/maximumOverCapacity",
            "maximumOverCapacity: got -0.1, expected between 0 and 1"),
        // constraints
        row("{" + OK + "'constraints':[['hostname','UNIQUE','x']]}", "/constraints(0)", "UNIQUE does not accept a value, got 'x'"),
        row("{" + OK + "'constraints':[['hostname','MAX_PER']]}", "/constraints(0)", "MAX_PER requires an integer value"),
        row("{" + OK + "'constraints':[['hostname','MAX_PER','']]}", "/constraints(0)", "MAX_PER requires an integer value"),
        row("{" + OK + "'constraints':[['hostname','MAX_PER','a']]}", "/constraints(0)", "MAX_PER requires an integer value, got 'a'"),
        row("{" + OK + "'constraints':[['rack','GROUP_BY','a']]}", "/constraints(0)",
            "GROUP BY must define an integer value or else no value at all, got 'a'"),
        row("{" + OK + "'constraints':[['hostname','LIKE']]}", "/constraints(0)", ConstraintReader.LIKE_NEEDS_REGEX),
        row("{" + OK + "'constraints':[['hostname','UNLIKE','[']]}", "/constraints(0)", "'[' is not a valid regular expression"),
        row("{" + OK + "'constraints':[['@zone','IS','a b']]}", "/constraints(0)", ConstraintReader.IS_TEXT + ", got 'a b'"),
        row("{" + OK + "'constraints':[['hostname','FOO']]}", "/constraints(0)",
            "operator must be one of the following UNIQUE, CLUSTER, GROUP_BY, LIKE, MAX_PER, UNLIKE or IS, got 'FOO'"),
        row("{" + OK + "'constraints':[['hostname']]}", "/constraints(0)", "Each constraint must have either 2 or 3 fields, got 1: [hostname]"),
        row("{" + OK + "'constraints':[['a','CLUSTER','b','c']]}", "/constraints(0)",
            "Each constraint must have either 2 or 3 fields, got 4: [a, CLUSTER, b, c]"),
        row("{" + OK + "'constraints':[['','UNIQUE']]}", "/constraints(0)",
            "illegal constraint specification: the field (hostname, @hostname, @region, @zone or an attribute) is empty"),
        row("{" + OK + "'constraints':['hostname']}", "/constraints(0)", "constraint: got \"hostname\" (a string), " + CONSTRAINT_FORM),
        row("{" + OK + "'constraints':[['hostname',1]]}", "/constraints(0)", "constraint: got an array, " + CONSTRAINT_FORM),
        row("{" + OK + "'constraints':[['hostname','UNIQUE'],['rack','MAX_PER','x']]}", "/constraints(1)",
            "MAX_PER requires an integer value, got 'x'"),
        // health checks
        row("{" + OK + "'healthChecks':[{},{'protocol':'UDP'}]}", "/healthChecks(1)/protocol",
            "protocol: got \"UDP\" (a string), expected one of HTTP, HTTPS, TCP, COMMAND, MESOS_HTTP, MESOS_HTTPS, MESOS_TCP"),
        row("{" + OK + "'healthChecks':[{'protocol':'COMMAND'}]}", "/healthChecks(0)/command",
            "command: got null, expected {\"value\": \"<shell command>\"} for protocol COMMAND"),
        row("{" + OK + "'healthChecks':[{'command':{'value':'true'}}]}", "/healthChecks(0)/protocol",
            "protocol: got \"HTTP\" (a string), expected COMMAND when a command is given"),
        row("{" + OK + "'healthChecks':[{'protocol':'COMMAND','command':{}}]}", "/healthChecks(0)/command/value",
            "value: got null, expected the shell command to run"),
        row("{" + OK + "'healthChecks':[{'portIndex':1}]}", "/healthChecks(0)",
            AppRules.PORT_INDEX + " (portIndex 1, 1 port(s) defined)"),
        row("{" + OK + "'portDefinitions':[],'healthChecks':[{'protocol':'TCP'}]}", "/healthChecks(0)",
            AppRules.PORT_INDEX + " (portIndex null, 0 port(s) defined)"),
        row("{" + OK + "'healthChecks':[{'protocol':'MESOS_HTTP'},{'protocol':'MESOS_TCP'}]}", "/", AppRules.ONE_MESOS_CHECK),
        row("{" + OK + "'healthChecks':[{'intervalSeconds':-1}]}", "/healthChecks(0)/intervalSeconds",
            "intervalSeconds: got -1, expected 0 or more"),
        row("{" + OK + "'healthChecks':[{'portIndex':'0'}]}", "/healthChecks(0)/portIndex",
            "portIndex: got \"0\" (a string), expected an integer, between 0 and 65535"),
        row("{" + OK + "'healthChecks':[{'protocol':'MESOS_HTTP','ipProtocol':'IPv6'}]}", "/healthChecks(0)", AppRules.IPV6),
        row("{" + OK + "'healthChecks':[{'ipProtocol':'IPv5'}]}", "/healthChecks(0)/ipProtocol",
            "ipProtocol: got \"IPv5\" (a string), expected one of IPv4, IPv6"),
        row("{" + OK + "'healthChecks':[5]}", "/healthChecks(0)", "health check: got 5, expected an object"),
        // readiness checks
        row("{" + OK + "'readinessChecks':[{}]}", "/readinessChecks(0)/portName",
            "No port definition reference for portName http-api (port names: [default])"),
        row("{" + OK + "'readinessChecks':[{'portName':'default','timeoutSeconds':30}]}", "/readinessChecks(0)/timeoutSeconds",
            "timeoutSeconds: got 30, expected less than intervalSeconds (30)"),
        row("{" + OK + "'readinessChecks':[{'portName':'default','httpStatusCodesForReady':[200,99]}]}",
            "/readinessChecks(0)/httpStatusCodesForReady(1)",
            "httpStatusCodesForReady(1): got 99, expected an HTTP status code between 100 and 999"),
        row("{" + OK + "'readinessChecks':[{'portName':'default','protocol':'TCP'}]}", "/readinessChecks(0)/protocol",
            "protocol: got \"TCP\" (a string), expected one of HTTP, HTTPS"),
        row("{" + OK + "'readinessChecks':[{'portName':'default'},{'portName':'default'}]}", "/readinessChecks",
            "readinessChecks: got 2, expected at most 1"),
        // ports
        row("{" + OK + "'portDefinitions':[{'port':80},{'port':80}]}", "/portDefinitions", "Ports must be unique."),
        row("{" + OK + "'portDefinitions':[{'name':'a'},{'name':'a'}]}", "/portDefinitions", "Port names must be unique."),
        row("{" + OK + "'portDefinitions':[{'port':70000}]}", "/portDefinitions(0)/port", "port: got 70000, expected between 0 and 65535"),
        row("{" + OK + "'portDefinitions':[{'protocol':'sctp'}]}", "/portDefinitions(0)/protocol",
            "protocol: got \"sctp\" (a string), expected one of tcp, udp, udp,tcp"),
        row("{" + OK + "'portDefinitions':[{'name':'Web'}]}", "/portDefinitions(0)/name",
            "name: got \"Web\" (a string), expected a port name matching ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"),
        row("{" + OK + "'ports':[1],'portDefinitions':[{'port':2}]}", "/", "cannot specify both ports and port definitions"),
        row("{" + OK + "'ports':[80,80]}", "/", "ports must be unique"),
        row("{" + OK + "'ports':['80']}", "/ports(0)", "ports(0): got \"80\" (a string), expected a port between 0 and 65535"),
        // fetch
        row("{" + OK + "'fetch':[{'uri':'http://a b'}]}", "/fetch(0)/uri", "URI has invalid syntax."),
        row("{" + OK + "'fetch':[{}]}", "/fetch(0)/uri", "uri: got null, expected the URI of the artifact to fetch"),
        row("{" + OK + "'fetch':[{'uri':'http://a/b','extract':'yes'}]}", "/fetch(0)/extract",
            "extract: got \"yes\" (a string), expected true or false"),
        row("{" + OK + "'uris':['http://a/b'],'fetch':[{'uri':'http://a/c'}]}", "/uris", "may not be set in conjunction with fetch"),
        row("{" + OK + "'uris':['http://a b']}", "/uris(0)", "URI has invalid syntax."),
        // maps, lists, networks, versions
        row("{" + OK + "'env':{'A':5}}", "/env/A", "env/A: got 5, expected a string or {\"secret\": \"<secret name>\"}"),
        row("{" + OK + "'env':{'A':{'secret':''}}}", "/env/A", "env/A: got an object, expected a string or {\"secret\": \"<secret name>\"}"),
        row("{" + OK + "'env':['A=1']}", "/env", "env: got an array, expected an object"),
        row("{" + OK + "'labels':{'a':1}}", "/labels/a", "labels/a: got 1, expected a string"),
        row("{" + OK + "'dependencies':['/b/tasks']}", "/dependencies(0)",
            "'/b/tasks' must not end with any of the following reserved keywords: restart, tasks, versions, ., .."),
        row("{" + OK + "'networks':[{'mode':'bridge'}]}", "/networks(0)/mode",
            "mode: got \"bridge\" (a string), expected one of container, container/bridge, host"),
        row("{" + OK + "'version':'yesterday'}", "/version",
            "version: got \"yesterday\" (a string), expected an ISO-8601 timestamp such as 2026-01-31T12:00:00.000Z"),
        // Marathon's other app-wide rules
        row("{" + OK + "'instances':2,'labels':{'MARATHON_SINGLE_INSTANCE_APP':'true'},"
            + "'upgradeStrategy':{'minimumHealthCapacity':0,'maximumOverCapacity':0}}", "/", AppRules.SINGLE_INSTANCE),
        row("{" + OK + "'labels':{'MARATHON_SINGLE_INSTANCE_APP':'true'}}", "/upgradeStrategy/minimumHealthCapacity",
            "got 1.0, expected 0.0 for a single instance app"),
        row("{" + OK + "'gpus':1,'container':{'type':'DOCKER','docker':{'image':'i'}}}", "/", AppRules.GPU_DOCKER));
  }

  private static Arguments row(String body, String path, String message) {
    return Arguments.of(body.replace('\'', '"'), path, message);
  }

  @ParameterizedTest(name = "[{index}] {1}: {2}")
  @MethodSource("invalid")
  void rejectsWithPathAndMessage(String body, String path, String message) {
    AppResult result = AppJson.parse(body);
    assertThat(result).isInstanceOf(Rejection.Invalid.class);
    Rejection.Invalid invalid = (Rejection.Invalid) result;
    assertThat(invalid.violations()).contains(new Violation(path, message));
    assertThat(invalid.status()).isEqualTo(422);
    JsonObject wire = invalid.body();
    assertThat(wire.getString("message")).isEqualTo("Object is not valid");
    JsonArray details = wire.getJsonArray("details");
    assertThat(details.stream().map(JsonObject.class::cast)
        .filter(d -> d.getString("path").equals(path))
        .flatMap(d -> d.getJsonArray("errors").stream()))
        .contains(message);
  }

  @Test
  void reportsEveryFieldViolationAtOnce() {
    AppResult result = AppJson.parse(
        "{\"id\":\"/a\",\"cmd\":\"x\",\"cpus\":-1,\"mem\":\"lots\",\"killSelection\":\"X\",\"constraints\":[[\"h\",\"NOPE\"]]}");
    assertThat(((Rejection.Invalid) result).violations()).extracting(Violation::path)
        .containsExactly("/cpus", "/mem", "/constraints(0)", "/killSelection");
  }

  @Test
  void appWideRulesWaitUntilEveryFieldReads() {
    // cmd is unreadable: the cmd/args rule would only repeat that, so it is not reported.
    Rejection.Invalid invalid = (Rejection.Invalid) AppJson.parse("{\"id\":\"/a\",\"cmd\":1}");
    assertThat(invalid.violations()).containsExactly(new Violation("/cmd", "cmd: got 1, expected a string"));
  }

  @Test
  void detailsGroupErrorsByPath() {
    Rejection.Invalid invalid = new Rejection.Invalid(java.util.List.of(
        new Violation("/", "one"), new Violation("/cpus", "two"), new Violation("/", "three")));
    assertThat(invalid.body()).isEqualTo(new JsonObject("""
        {"message":"Object is not valid","details":[
          {"path":"/","errors":["one","three"]},
          {"path":"/cpus","errors":["two"]}]}"""));
  }

  @Test
  void malformedJsonIs400WithMarathonsMessageOnly() {
    for (String body : new String[] {"{", "{\"id\":", "not json", "", "{\"id\":\"/a\",}"}) {
      AppResult result = AppJson.parse(body);
      assertThat(result).as(body).isInstanceOf(Rejection.MalformedJson.class);
      assertThat(((Rejection) result).status()).isEqualTo(400);
      assertThat(((Rejection) result).body()).isEqualTo(new JsonObject().put("message", "Invalid JSON"));
    }
  }

  @Test
  void jsonThatIsNotAnObjectIs422AtTheRoot() {
    assertThat(AppJson.parse("[1]")).isEqualTo(new Rejection.Invalid(java.util.List.of(
        new Violation("/", "got an array, expected a JSON object (an app definition)"))));
    assertThat(AppJson.parse("\"app\"")).isInstanceOf(Rejection.Invalid.class);
  }
}
