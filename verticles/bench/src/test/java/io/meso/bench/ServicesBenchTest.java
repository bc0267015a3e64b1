package io.meso.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The services benchmark run small (3 agents, 20 instances) on a real master, real agents with
 * simulated executors and the real services framework behind its /v2 API: both phases finish and
 * their figures are present and agree with each other and with the upgrade strategy. No figure is
 * compared with the clock: they are measurements.
 */
class ServicesBenchTest {

  private static final int INSTANCES = 20;

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void deploysAndRestartsEveryInstanceThroughTheApiAndReportsConsistentFigures() throws Exception {
    BenchOptions options = BenchOptions.defaults(BenchMode.SERVICES).setAgents(3).setInstances(INSTANCES)
        .setMaxSeconds(200);
    ServicesResult result = ServicesBench.run(options);
    List<String> report = BenchReport.services(result, "unknown");
    String text = String.join("\n", report);

    assertThat(result.succeeded()).as(text).isTrue();
    assertThat(result.eventsProblem()).as(text).isNull();
    assertThat(result.phases()).extracting(ServicesPhase::name).containsExactly("deploy", "restart");
    ServicesPhase deploy = result.phases().get(0);
    ServicesPhase restart = result.phases().get(1);
    assertThat(deploy.version()).isNotEqualTo(restart.version());
    assertThat(deploy.deploymentId()).isNotEqualTo(restart.deploymentId());
    long perAgent = options.instancesPerAgent(io.meso.allocator.Resources.parse(options.getAgentResources()));

    for (ServicesPhase p : result.phases()) {
      assertThat(p.deploymentId()).as(p.name()).isNotBlank();
      assertThat(p.onVersion()).as(p.name()).isEqualTo(INSTANCES);
      assertThat(p.answerNanos()).as(p.name()).isPositive();
      assertThat(p.doneNanos()).as(p.name()).isGreaterThanOrEqualTo(p.answerNanos());
      assertThat(p.polls()).as(p.name()).isPositive();
      assertThat(p.slowestPollNanos()).as(p.name()).isPositive();
      assertThat(p.cpuNanos()).as(p.name()).isPositive();

      ServicesPhase.Events e = p.events();
      assertThat(e).as(p.name()).isNotNull();
      assertThat(e.launched()).as(p.name() + ": instances of the phase's version seen").isEqualTo(INSTANCES);
      assertThat(e.failed()).as(p.name()).isZero();
      assertThat(e.lastRunningNanos()).as(p.name()).isNotNegative();
      assertThat(e.successNanos()).as(p.name()).isGreaterThanOrEqualTo(e.lastRunningNanos());
      assertThat(e.maxLive()).as(p.name() + ": maximumOverCapacity 0").isEqualTo(INSTANCES);

      ServicesPhase.Offers o = p.offers();
      assertThat(o).as(p.name()).isNotNull();
      assertThat(o.tasksLaunched()).as(p.name()).isEqualTo(INSTANCES);
      assertThat(o.used()).as(p.name() + ": offers used").isPositive().isLessThanOrEqualTo(o.made());
      assertThat(o.used() * perAgent).as(p.name() + ": no offer holds more than " + perAgent + " instances")
          .isGreaterThanOrEqualTo(INSTANCES);
      assertThat(o.declined()).as(p.name()).isNotNegative();
      assertThat(o.allocationRuns()).as(p.name()).isPositive();
    }
    assertThat(deploy.allRunningNanos()).isNotNegative().isLessThanOrEqualTo(deploy.doneNanos());
    assertThat(deploy.events().oldEnded()).isZero();
    assertThat(deploy.events().minRunning()).isZero();
    assertThat(deploy.events().statusEvents()).as("STARTING and RUNNING of each").isGreaterThanOrEqualTo(2 * INSTANCES);

    assertThat(restart.allRunningNanos()).isEqualTo(-1);
    assertThat(restart.events().oldEnded()).as("every old instance ended").isEqualTo(INSTANCES);
    assertThat(restart.events().minRunning()).as("minimumHealthCapacity 0.5")
        .isGreaterThanOrEqualTo((int) Math.ceil(INSTANCES * BenchOptions.SERVICES_MINIMUM_HEALTH_CAPACITY))
        .isLessThan(INSTANCES);
    assertThat(restart.events().statusEvents()).as("STARTING, RUNNING of each new; KILLING, KILLED of each old")
        .isGreaterThanOrEqualTo(4 * INSTANCES);

    assertThat(text)
        .contains("meso bench services: 3 agents (" + BenchOptions.DEFAULT_SERVICES_AGENT_RESOURCES)
        .containsPattern("\ndeploy: +done after [\\d.]+ s: deployment gone, 20 of 20 instances running version \\S+ "
            + "\\(POST /v2/apps answered in [\\d.]+ ms; all running by [\\d.]+ s; \\d+ polls, every 50 ms, the slowest "
            + "answered in [\\d.]+ ms\\)")
        .containsPattern("\ndeploy events: +TASK_RUNNING #20 of the version at [\\d.]+ s, deployment_success at "
            + "[\\d.]+ s; 20 launched, 0 old ended, 0 failed; at once: fewest running 0, most live 20; \\d+ status events")
        .containsPattern("\ndeploy offers: +\\d+ made, \\d+ used, \\d+ declined, \\d+ rescinded; 20 tasks launched; "
            + "\\d+ allocation runs; jvm cpu [\\d.]+ s")
        .containsPattern("\nrestart: +done after [\\d.]+ s: deployment gone, 20 of 20 instances running version \\S+ "
            + "\\(POST /v2/apps/bench/app/restart answered in [\\d.]+ ms; \\d+ polls")
        .containsPattern("\nrestart events: +TASK_RUNNING #20 of the version at [\\d.]+ s, deployment_success at "
            + "[\\d.]+ s; 20 launched, 20 old ended, 0 failed; at once: fewest running \\d+, most live 20")
        .containsPattern("\nrestart offers: +\\d+ made")
        .containsPattern("\nwall time: +[\\d.]+ s start-up \\(3 agents registered, framework subscribed\\)")
        .endsWith("result:          OK")
        .doesNotContain("events:          incomplete");
  }

  @Test
  void aPhaseThatDidNotFinishIsReportedWithWhereItStood() {
    BenchOptions options = BenchOptions.defaults(BenchMode.SERVICES);
    ServicesPhase deploy = new ServicesPhase("deploy", "d1", "2026-01-01T00:00:00.000Z", 1000, 50_000_000L,
        -1, -1, 40, 900_000_000L, 751, -1, null, null, 2_000_000_000L);
    ServicesResult result = new ServicesResult(options, List.of(deploy),
        "phase deploy did not finish within --max-seconds 300", true, null, 1_000_000_000L, 2_000_000_000L,
        3_000_000_000L);
    String text = String.join("\n", BenchReport.services(result, "1.00 1.00 1.00"));
    assertThat(result.succeeded()).isFalse();
    assertThat(text)
        .contains("deploy:          NOT done: at the last poll 751 of 1000 instances running (POST /v2/apps answered in "
            + "50.0 ms; 40 polls, every 50 ms, the slowest answered in 900.0 ms)")
        .contains("deploy offers:   unknown (/metrics/snapshot did not answer); jvm cpu 2.00 s")
        .doesNotContain("deploy events")
        .endsWith("result:          TIMED OUT: phase deploy did not finish within --max-seconds 300");
  }

  @Test
  void runsOnlyTheServicesMode() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServicesBench.run(BenchOptions.defaults(BenchMode.SIMULATED)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--mode services");
  }
}
