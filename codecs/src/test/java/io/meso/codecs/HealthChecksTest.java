package io.meso.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.JsonFormat;
import io.meso.v1.HealthCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The launch-time rules for a task's health check, as a table of checks (JSON) and the answer they get. */
class HealthChecksTest {

  private static final String F = "launch.task_infos[0].health_check";

  private static HealthCheck parse(String json) throws Exception {
    HealthCheck.Builder b = HealthCheck.newBuilder();
    JsonFormat.parser().merge(json, b);
    return b.build();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{'type':'COMMAND','command':{'value':'true'}}",
      "{'type':'COMMAND','command':{'value':'/bin/check','shell':false,'arguments':['check','-q']}}",
      "{'type':'HTTP','http':{'port':8080}}",
      "{'type':'HTTP','http':{'port':65535,'path':'/health','scheme':'https','statuses':[200,204]}}",
      "{'type':'TCP','tcp':{'port':1,'protocol':'IPv6'}}",
      "{'type':'TCP','tcp':{'port':31000},'delay_seconds':0,'interval_seconds':0,'timeout_seconds':0,"
          + "'grace_period_seconds':0,'consecutive_failures':0}",
      "{'type':'TCP','tcp':{'port':31000},'interval_seconds':0.2,'timeout_seconds':9223372036}"})
  void accepts(String json) throws Exception {
    assertThat(HealthChecks.validate(F, parse(json.replace('\'', '"')))).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "{}"
          + "| launch.task_infos[0].health_check.type is missing; set it to COMMAND, HTTP or TCP",
      "{'type':'UNKNOWN'}"
          + "| launch.task_infos[0].health_check.type is UNKNOWN; set it to COMMAND, HTTP or TCP",
      "{'type':'COMMAND'}"
          + "| launch.task_infos[0].health_check.command is missing; a COMMAND health check needs command.value, "
          + "the command to run",
      "{'type':'COMMAND','command':{'value':'  '}}"
          + "| launch.task_infos[0].health_check.command.value is empty; expected a shell command such as "
          + "'curl -f localhost:8080/'",
      "{'type':'COMMAND','command':{'shell':false}}"
          + "| launch.task_infos[0].health_check.command.value is empty; expected the executable to run",
      "{'type':'COMMAND','command':{'value':'true','environment':{'variables':[{'name':'A=B','value':'x'}]}}}"
          + "| launch.task_infos[0].health_check.command.environment.variables[0].name 'A=B' is not a valid "
          + "variable name; it must be non-empty without '=' or NUL",
      "{'type':'COMMAND','tcp':{'port':80}}"
          + "| launch.task_infos[0].health_check.command is missing; a COMMAND health check needs command.value, "
          + "the command to run",
      "{'type':'HTTP'}"
          + "| launch.task_infos[0].health_check.http is missing; an HTTP health check needs http.port (and "
          + "optionally path, scheme, statuses)",
      "{'type':'HTTP','http':{'path':'/'}}"
          + "| launch.task_infos[0].health_check.http.port is missing; set the port to check, 1..65535",
      "{'type':'HTTP','http':{'port':0}}"
          + "| launch.task_infos[0].health_check.http.port is 0; a port is between 1 and 65535",
      "{'type':'HTTP','http':{'port':65536}}"
          + "| launch.task_infos[0].health_check.http.port is 65536; a port is between 1 and 65535",
      "{'type':'HTTP','http':{'port':4294967295}}"
          + "| launch.task_infos[0].health_check.http.port is 4294967295; a port is between 1 and 65535",
      "{'type':'HTTP','http':{'port':80,'scheme':'ftp'}}"
          + "| launch.task_infos[0].health_check.http.scheme 'ftp' is not supported; use 'http' or 'https'",
      "{'type':'HTTP','http':{'port':80,'path':'health'}}"
          + "| launch.task_infos[0].health_check.http.path 'health' must start with '/'",
      "{'type':'HTTP','http':{'port':80,'statuses':[200,99]}}"
          + "| launch.task_infos[0].health_check.http.statuses[1] is 99; an HTTP status code is between 100 and 599",
      "{'type':'TCP'}"
          + "| launch.task_infos[0].health_check.tcp is missing; a TCP health check needs tcp.port",
      "{'type':'TCP','tcp':{}}"
          + "| launch.task_infos[0].health_check.tcp.port is missing; set the port to check, 1..65535",
      "{'type':'TCP','tcp':{'port':80},'interval_seconds':-1}"
          + "| launch.task_infos[0].health_check.interval_seconds is -1.0; it must be a number of seconds between 0 "
          + "and 9223372036",
      "{'type':'TCP','tcp':{'port':80},'delay_seconds':-0.5}"
          + "| launch.task_infos[0].health_check.delay_seconds is -0.5; it must be a number of seconds between 0 "
          + "and 9223372036",
      "{'type':'TCP','tcp':{'port':80},'timeout_seconds':'NaN'}"
          + "| launch.task_infos[0].health_check.timeout_seconds is NaN; it must be a number of seconds between 0 "
          + "and 9223372036",
      "{'type':'TCP','tcp':{'port':80},'grace_period_seconds':'Infinity'}"
          + "| launch.task_infos[0].health_check.grace_period_seconds is Infinity; it must be a number of seconds "
          + "between 0 and 9223372036",
      "{'type':'TCP','tcp':{'port':80},'timeout_seconds':1e10}"
          + "| launch.task_infos[0].health_check.timeout_seconds is 1.0E10; it must be a number of seconds between 0 "
          + "and 9223372036"})
  void refuses(String json, String message) throws Exception {
    assertThat(HealthChecks.validate(F, parse(json.replace('\'', '"')))).isEqualTo(message);
  }

  @Test
  void defaultsAreMesossAndAcceptable() {
    HealthCheck check = HealthCheck.newBuilder().setType(HealthCheck.Type.TCP)
        .setTcp(HealthCheck.TCPCheckInfo.newBuilder().setPort(80)).build();
    assertThat(check.getDelaySeconds()).isEqualTo(15.0);
    assertThat(check.getIntervalSeconds()).isEqualTo(10.0);
    assertThat(check.getTimeoutSeconds()).isEqualTo(20.0);
    assertThat(check.getConsecutiveFailures()).isEqualTo(3);
    assertThat(check.getGracePeriodSeconds()).isEqualTo(10.0);
    assertThat(HealthChecks.validate(F, check)).isNull();
  }
}
