package io.meso.cli;

import io.meso.testkit.CliStreams;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code meso bench} in-process with tiny numbers: it completes, accounts for every task and
 * prints its figures (which are not asserted: they are measurements, not test outcomes); bad
 * flags are usage errors naming the flag and the value.
 */
class BenchCommandTest {

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void simulatedBenchLaunchesEveryTaskAndReports() {
    int exit;
    String out;
    String err;
    try (CliStreams streams = new CliStreams()) {
      exit = Meso.run("bench", "--agents", "3", "--tasks", "50", "--max-seconds", "100");
      out = streams.out();
      err = streams.err();
    }
    assertThat(exit).as("exit code; stderr: %s", err).isZero();
    assertThat(out)
        .contains("meso bench simulated: 3 agents (cpus:24;mem:4096;disk:4096;ports:[31000-32000]), 50 simulated tasks")
        .contains("50 launched, 50 running, 50 finished, 0 failed, of 50")
        .containsPattern("launch rate: +\\d+ tasks/s \\(first offer to TASK_RUNNING #50 in ")
        .containsPattern("launch latency: +p50 [\\d.]+ ms, p99 [\\d.]+ ms, max [\\d.]+ ms")
        .containsPattern("allocation runs: +\\d+ while the framework ran, mean [\\d.]+ ms, max [\\d.]+ ms")
        .containsPattern("wall time: +[\\d.]+ s start-up \\(3 agents registered\\)")
        .containsPattern("result: +OK");
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void processBenchRunsRealProcessesBesideTheRawLoop() {
    int exit;
    String out;
    String err;
    try (CliStreams streams = new CliStreams()) {
      exit = Meso.run("bench", "--mode", "process", "--tasks", "5", "--warmup-tasks", "3", "--max-seconds", "100");
      out = streams.out();
      err = streams.err();
    }
    assertThat(exit).as("exit code; stderr: %s", err).isZero();
    assertThat(out)
        .contains("meso bench process: 1 agent (cpus:2;mem:4096), 5 /bin/true tasks")
        .contains("after an untimed warm-up of 3 tasks")
        .contains("5 launched, 5 running, 5 finished, 0 failed, of 5")
        .containsPattern("agent launches: +\\d+ processes/s \\(first offer to terminal update #5 in ")
        .containsPattern("raw spawns: +\\d+ processes/s \\(\\d+ threads")
        .containsPattern("executor-like: +\\d+ processes/s")
        .containsPattern("agent / raw: +[\\d.]+ \\(agent / executor-like [\\d.]+\\)")
        .containsPattern("result: +OK");
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void servicesBenchDrivesTheServicesFrameworkThroughItsApi() {
    int exit;
    String out;
    String err;
    try (CliStreams streams = new CliStreams()) {
      exit = Meso.run("bench", "--mode", "services", "--agents", "2", "--instances", "6", "--max-seconds", "200");
      out = streams.out();
      err = streams.err();
    }
    assertThat(exit).as("exit code; stderr: %s", err).isZero();
    assertThat(out)
        .contains("meso bench services: 2 agents (cpus:2;mem:1024;disk:4096;ports:[31000-32000], simulated executors), "
            + "the services framework, an app of 6 instances of cpus:0.1;mem:32 with one host port")
        .containsPattern("deploy: +done after [\\d.]+ s: deployment gone, 6 of 6 instances running version")
        .containsPattern("restart: +done after [\\d.]+ s: deployment gone, 6 of 6 instances running version")
        .containsPattern("restart events: +TASK_RUNNING #6 of the version at [\\d.]+ s")
        .containsPattern("restart offers: +\\d+ made, \\d+ used, \\d+ declined")
        .containsPattern("result: +OK");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "--agents 0                          | --agents is 0; expected a number of agents from 1",
      "--agents -3                         | --agents is -3",
      "--tasks -1                          | --tasks is -1; expected a number of tasks from 1",
      "--tasks 0                           | --tasks is 0",
      "--mode fast                         | --mode 'fast' is unknown; expected simulated, process or services",
      "--mode services --instances 0       | --instances is 0; expected a number of instances from 1",
      "--mode services --agents 3 --instances 61 | --instances 61 do not fit on --agents 3: each agent",
      "--mode services --tasks 5           | --tasks is for the simulated and process modes; --mode services takes --instances",
      "--instances 5                       | --instances is for --mode services; --mode simulated takes --tasks",
      "--task-cpus 0                       | --task-cpus is 0.0; expected a positive number of cpus",
      "--task-mem -1                       | --task-mem is -1.0",
      "--allocation-interval 0             | --allocation-interval is 0.0",
      "--max-seconds 0                     | --max-seconds is 0.0",
      "--agent-resources cpus:x            | --agent-resources 'cpus:x' is not valid",
      "--task-cpus 30                      | --task-cpus 30.0 does not fit in --agent-resources",
      "--task-cpus 0.005                   | are both below the allocator's smallest offer",
      "--isolation docker                  | --isolation 'docker': 'docker' is not an isolator; allowed: auto,",
      "--isolation auto,posix              | --isolation 'auto,posix': 'auto' stands alone",
      "--mode process --warmup-tasks -1    | --warmup-tasks is -1; expected a number of tasks from 0",
      "--warmup-tasks 5                    | --warmup-tasks is for --mode process; --mode simulated measures",
      "--agents many                       | --agents"})
  void badFlagsAreUsageErrorsNamingFlagAndValue(String flags, String message) {
    int exit;
    String err;
    try (CliStreams streams = new CliStreams()) {
      exit = Meso.run(("bench " + flags).split(" "));
      err = streams.err();
    }
    assertThat(exit).isEqualTo(2);
    assertThat(err).contains(message).contains("Usage: meso bench");
  }
}
