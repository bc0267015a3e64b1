package io.meso.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.HazelcastInstance;
import io.meso.ha.LeaderElection;
import io.meso.ha.Registry;
import io.meso.jobs.runtime.Claim;
import io.meso.jobs.runtime.JobsFramework;
import io.meso.jobs.runtime.Sections;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The jobs framework under the registry's fence, against a real master and agent: a framework
 * whose claim is refused (a newer leader was elected) stops before launching anything, and the
 * next leader, from what the registry holds, runs each due instant exactly once, whether the old
 * leader stopped before its claim or after its launch. Runs are counted in the agent's sandboxes.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class JobsFencingTest {

  static final String P = "/v1/scheduler";
  static final Duration WAIT = Duration.ofSeconds(90);
  static final Instant DUE = JobsFixture.T0.plus(Duration.ofMinutes(5));

  JobsFixture f;

  @BeforeEach
  void start() throws Exception {
    f = JobsFixture.start("jobs-fencing", secret());
  }

  /** The registry's secret (null: values not sealed); a subclass runs every test with one. */
  io.meso.security.cluster.ClusterSecret secret() {
    return null;
  }

  @AfterEach
  void stop() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  static JsonObject everyFiveMinutes(String name, String command) {
    return new JsonObject().put("name", name).put("command", command).put("cron", "*/5 * * * *")
        .put("retries", 0).put("cpus", 0.1).put("mem", 32).put("disk", 10);
  }

  /** Publishes a newer leader, as an election elsewhere would; returns its fencing token. */
  private long electSomeoneElse() {
    HazelcastInstance member = f.node.localRegistryMember();
    long newer = f.node.framework().fence() + 1000;
    member.getMap(LeaderElection.LEADER_MAP).set(LeaderElection.LEADER_KEY,
        new LeaderElection.LeaderRecord("127.0.0.1:1", "someone-else", newer));
    return newer;
  }

  private Registry registry() {
    return new Registry(f.node.localRegistryMember());
  }

  private long successCount(String name) {
    JobsFixture.Response r = f.get(P + "/job/" + name);
    return r.status() == 200 ? r.json().getLong("successCount") : -1;
  }

  @Test
  void aClaimWithAStaleFenceIsRefusedAndTheNextLeaderRunsTheInstantOnce() throws Exception {
    assertThat(f.post(P + "/iso8601", everyFiveMinutes("fenced", "true")).status()).isEqualTo(204);
    JobsFramework old = f.node.framework();
    long newer = electSomeoneElse();

    // The instant comes due: the old leader's claim is refused, so it launches nothing and stops.
    f.clock.set(DUE);
    assertThatThrownBy(() -> old.tickNow().await(30, TimeUnit.SECONDS))
        .isInstanceOf(JobsFramework.DeposedException.class).hasMessageContaining("refused");
    assertThat(old.isDeposed()).isTrue();
    await().atMost(WAIT).until(() -> f.node.framework() == null);
    JobsFixture.Response refused = f.get(P + "/jobs");
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.json().getString("status")).isEqualTo("Service Unavailable");
    assertThat(registry().read(Sections.CLAIMS)).doesNotContainKey(Claim.key("fenced", DUE));
    assertThat(f.ranTasks("fenced")).isEmpty();

    // The newer leader takes over from the registry: the instant is due and was never claimed.
    f.node.lead(registry(), newer).await(60, TimeUnit.SECONDS);
    f.tick(DUE.plusSeconds(1));
    await().atMost(WAIT).until(() -> successCount("fenced") == 1);
    f.tick(DUE.plusSeconds(90));
    assertThat(f.ranTasks("fenced")).containsExactly("ct:" + DUE.toEpochMilli() + ":0:fenced");
  }

  @Test
  void aNewLeaderAdoptsTheRunningInstantInsteadOfRunningItAgain() throws Exception {
    assertThat(f.post(P + "/iso8601", everyFiveMinutes("adopted", "sleep 3")).status()).isEqualTo(204);
    f.tick(DUE);
    await().atMost(WAIT).until(() -> f.history("adopted").size() == 1
        && "RUNNING".equals(f.history("adopted").getJsonObject(0).getString("outcome"))
        && !f.ranTasks("adopted").isEmpty());
    JobsFramework old = f.node.framework();

    // A newer leader takes over while the run is running (the old one has not noticed yet).
    long newer = electSomeoneElse();
    JobsFramework next = f.node.lead(registry(), newer).await(60, TimeUnit.SECONDS);
    await().atMost(WAIT).until(old::isDeposed);
    assertThat(f.node.framework()).isSameAs(next);
    f.tick(DUE.plusSeconds(30));
    await().atMost(WAIT).until(() -> successCount("adopted") == 1);
    f.tick(DUE.plusSeconds(60));
    assertThat(f.ranTasks("adopted")).containsExactly("ct:" + DUE.toEpochMilli() + ":0:adopted");
    assertThat(f.history("adopted").getJsonObject(0).getString("outcome")).isEqualTo("SUCCESS");
  }
}
