package io.meso.services.app.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.services.app.App;
import io.meso.services.app.VersionInfo;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** render → parse gives the same app, and rendering that again gives the same JSON. */
class AppRoundTripTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "{'id':'/a','cmd':'sleep 1'}",
      "{'id':'/a','args':['a','b'],'instances':0,'cpus':0.25,'mem':64,'disk':10,'gpus':1,'user':'nobody'}",
      "{'id':'/prod/web','cmd':'x','env':{'A':'1','S':{'secret':'s'}},'labels':{'k':'v','HAPROXY_0_VHOST':'a.b'},"
          + "'constraints':[['hostname','UNIQUE'],['@zone','GROUP_BY','3'],['rack','LIKE','r[0-9]'],['size','IS','2']],"
          + "'dependencies':['db'],'killSelection':'OLDEST_FIRST','unreachableStrategy':'disabled',"
          + "'taskKillGracePeriodSeconds':5,'backoffSeconds':3,'backoffFactor':2.5,'maxLaunchDelaySeconds':60,"
          + "'upgradeStrategy':{'minimumHealthCapacity':0.5,'maximumOverCapacity':0.25},'executor':'//cmd'}",
      "{'id':'/a','cmd':'x','portDefinitions':[{'port':10000,'name':'http','labels':{'l':'v'}},{'port':0,'protocol':'udp,tcp'}],"
          + "'requirePorts':true,'healthChecks':[{'protocol':'HTTP','path':'/h','portIndex':1},"
          + "{'protocol':'COMMAND','command':{'value':'true'}},{'protocol':'MESOS_TCP','port':10000,'delaySeconds':3}],"
          + "'readinessChecks':[{'portName':'http','intervalSeconds':5,'timeoutSeconds':1,'httpStatusCodesForReady':[200,201]}]}",
      "{'id':'/a','container':{'type':'DOCKER','docker':{'image':'nginx:1','forcePullImage':true},"
          + "'portMappings':[{'containerPort':80,'hostPort':0,'name':'web'}],'volumes':[{'containerPath':'/d','hostPath':'/h','mode':'RW'}]},"
          + "'networks':[{'mode':'container/bridge'}],'fetch':[{'uri':'https://a/b.tgz','destPath':'x'}]}",
      "{'id':'/a','cmd':'x','uris':['http://a/b.tar.gz'],'ports':[0,0],'unreachableStrategy':{'inactiveAfterSeconds':1,'expungeAfterSeconds':2}}"})
  void renderThenParseIsTheSameApp(String body) {
    Instant t = Instant.parse("2026-01-02T03:04:05.678Z");
    App app = valid(new JsonObject(body.replace('\'', '"')))
        .withVersion(t, new VersionInfo(t, Instant.parse("2026-01-01T00:00:00.001Z")));
    JsonObject rendered = AppWriter.render(app);
    App again = valid(rendered);
    assertThat(again).isEqualTo(app);
    assertThat(AppWriter.render(again)).isEqualTo(rendered);
    // a client that sends back what GET gave it (read-only fields included) gets the same app
    assertThat(valid(AppWriter.render(app, AppStatus.NONE))).isEqualTo(app);
  }

  private static App valid(JsonObject json) {
    AppResult result = AppJson.parse(json);
    assertThat(result).as(String.valueOf(result)).isInstanceOf(AppResult.Valid.class);
    return ((AppResult.Valid) result).app();
  }
}
