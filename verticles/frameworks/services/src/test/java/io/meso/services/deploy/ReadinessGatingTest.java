package io.meso.services.deploy;

import static io.meso.services.deploy.Apps.T0;
import static io.meso.services.deploy.Apps.T1;
import static io.meso.services.deploy.Apps.app;
import static io.meso.services.deploy.Apps.set;
import static io.meso.services.deploy.Apps.strategy;
import static io.meso.services.deploy.Apps.withHealthCheck;
import static io.meso.services.deploy.Apps.withReadinessCheck;
import static org.assertj.core.api.Assertions.assertThat;

import io.meso.services.app.App;
import io.meso.services.app.AppChange;
import io.meso.services.deploy.Command.CheckReadiness;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Readiness and health gate a rolling restart (Marathon's ReadinessBehavior): an old instance is
 * killed only when a new one is healthy (health checks) and ready (readiness checks).
 */
class ReadinessGatingTest {

  /** A 2-instance app restarted with (1.0, 0.0): one new instance at a time, one extra allowed. */
  static Harness restart(App old) {
    App next = AppChange.stamp(old, old.toBuilder().cmd("new").build(), T1);
    List<InstanceStatus> running = Harness.running(old, 2, "old").stream().map(s -> s.withHealthy(true)).toList();
    return new Harness(DeploymentPlan.of("g", set(old), set(next), T1, Map.of()), running);
  }

  static App next(Harness h) {
    return h.deployment.plan().steps().get(0).actions().get(0).app();
  }

  @Test
  void readinessAloneGatesTheKill() {
    Harness h = restart(strategy(withReadinessCheck(app("/svc", 2, "svc", T0)), 1.0, 0.0));
    App next = next(h);
    String a = h.launchRunning(next);
    assertThat(h.log).contains(new CheckReadiness(next, a));
    assertThat(h.kills()).isEmpty();
    h.readiness(a, false);
    assertThat(h.kills()).as("not ready yet").isEmpty();
    JsonObject json = DeploymentJson.deployment(h.deployment);
    assertThat(json.getJsonArray("currentActions").getJsonObject(0).getJsonArray("readinessCheckResults"))
        .containsExactly(new JsonObject().put("taskId", a).put("name", "readiness").put("ready", false));
    h.readiness(a, true);
    assertThat(h.kills()).containsExactly("old0");
    h.readiness(a, true);
    assertThat(h.kills()).as("a second ready answer kills nothing more").containsExactly("old0");
  }

  @Test
  void healthAndReadinessBothNeeded() {
    Harness h = restart(strategy(withReadinessCheck(withHealthCheck(app("/svc", 2, "svc", T0))), 1.0, 0.0));
    App next = next(h);
    String a = h.launchRunning(next);
    assertThat(h.commands(CheckReadiness.class)).containsExactly(new CheckReadiness(next, a));
    h.readiness(a, true);
    assertThat(h.kills()).as("ready but not healthy").isEmpty();
    h.healthy(a);
    assertThat(h.kills()).containsExactly("old0");
  }

  @Test
  void healthChecksAloneGateTheKill() {
    Harness h = restart(strategy(withHealthCheck(app("/svc", 2, "svc", T0)), 1.0, 0.0));
    App next = next(h);
    String a = h.launchRunning(next);
    assertThat(h.kills()).isEmpty();
    assertThat(h.commands(CheckReadiness.class)).isEmpty();
    h.healthy(a);
    assertThat(h.kills()).containsExactly("old0");
  }

  @Test
  void finishesOnlyWhenEveryNewInstanceIsReady() {
    Harness h = restart(strategy(withReadinessCheck(app("/svc", 2, "svc", T0)), 1.0, 0.0));
    App next = next(h);
    String a = h.launchRunning(next);
    h.readiness(a, true);
    h.confirmKills();
    String b = h.launchRunning(next);
    h.confirmKills();
    assertThat(h.deployment.finished()).isFalse();
    h.readiness(b, true);
    h.confirmKills();
    assertThat(h.deployment.finished()).isTrue();
  }

  @Test
  void unhealthyOldInstancesAreKilledFirst() {
    App old = strategy(withHealthCheck(app("/svc", 3, "svc", T0)), 1.0, 0.0);
    App next = AppChange.stamp(old, old.toBuilder().cmd("new").build(), T1);
    List<InstanceStatus> now = List.of(
        Harness.running(old, 3, "old").get(0).withHealthy(true),
        Harness.running(old, 3, "old").get(1).withHealthy(false),
        Harness.running(old, 3, "old").get(2).withHealthy(true));
    Harness h = new Harness(DeploymentPlan.of("g", set(old), set(next), T1, Map.of()), now);
    // healthy 2 < minHealthy 3: kill none at once; maxCapacity 3 (no extra: 3 > healthy) ... so
    // capacity is full: nothing starts until an instance ends.
    assertThat(h.kills()).isEmpty();
    h.end("old2", io.meso.services.deploy.InstanceStatus.Condition.FAILED);
    String a = h.launchRunning(next);
    h.healthy(a);
    assertThat(h.kills()).as("the unhealthy one goes first").containsExactly("old1");
  }
}
