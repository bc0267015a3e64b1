package io.meso.cli;

import io.meso.testkit.CliStreams;
import static org.assertj.core.api.Assertions.assertThat;

import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class RunCommandTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "echo                | echo",
      "hello world         | 'hello world'",
      "\"\"                  | ''",
      "it's                | 'it'\\''s'",
      "a;b                 | 'a;b'",
      "$HOME               | '$HOME'",
      "/usr/bin/env        | /usr/bin/env",
      "key=value,x:y@z%1+2 | key=value,x:y@z%1+2",
      "*.txt               | '*.txt'"})
  void quotesWordsForTheShell(String word, String quoted) {
    assertThat(RunCommand.shellQuote(word)).isEqualTo(quoted);
  }

  @Test
  void aSingleArgumentIsAShellCommandAsIs() {
    assertThat(RunCommand.shellCommand(List.of("echo hi | wc -c"))).isEqualTo("echo hi | wc -c");
  }

  @Test
  void severalArgumentsAreQuotedWordByWord() {
    assertThat(RunCommand.shellCommand(List.of("sh", "-c", "echo hello; exit 3")))
        .isEqualTo("sh -c 'echo hello; exit 3'");
    assertThat(RunCommand.shellCommand(List.of("echo", "it's", "a b")))
        .isEqualTo("echo 'it'\\''s' 'a b'");
  }

  @ParameterizedTest(name = "{0} \"{1}\" -> {2}")
  @CsvSource(delimiter = '|', value = {
      "TASK_FINISHED | Command exited with status 0                              | 0",
      "TASK_FAILED   | Command exited with status 3                              | 3",
      "TASK_FAILED   | Command exited with status 127 (command not found)       | 127",
      "TASK_FAILED   | Command terminated by signal SIGSEGV (exit status 139)    | 139",
      "TASK_FAILED   | the executor crashed                                      | 1",
      "TASK_FAILED   | Command exited with status 0                              | 1",
      "TASK_KILLED   | Command terminated by signal SIGTERM (exit status 143)    | 143",
      "TASK_KILLED   | Command terminated by signal SIGKILL (exit status 137)    | 137",
      "TASK_KILLED   | killed by the operator                                    | 143",
      "TASK_KILLED   | Task killed after SIGKILL                                 | 137",
      "TASK_ERROR    | invalid task                                              | 1",
      "TASK_DROPPED  | agent gone                                                | 1",
      "TASK_LOST     | agent lost                                                | 1",
      "TASK_GONE     | ''                                                        | 1"})
  void exitCodeIsTheTasks(TaskState state, String message, int code) {
    TaskStatus status = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t")).setState(state)
        .setMessage(message).build();
    assertThat(RunCommand.exitCode(status)).isEqualTo(code);
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "TASK_STARTING | ''                           | task run-1 STARTING",
      "TASK_RUNNING  | ''                           | task run-1 RUNNING on agent node7",
      "TASK_FINISHED | Command exited with status 0 | task run-1 FINISHED",
      "TASK_FAILED   | Command exited with status 3 | task run-1 FAILED: Command exited with status 3",
      "TASK_LOST     | ''                           | task run-1 LOST"})
  void statusLines(TaskState state, String message, String line) {
    TaskStatus status = TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("run-1")).setState(state)
        .setMessage(message).build();
    assertThat(RunCommand.statusLine(status, "node7")).isEqualTo(line);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', value = {
      "--cpus -1 -- true          | --cpus must be a positive number, got -1.0",
      "--cpus 0 -- true           | --cpus must be a positive number, got 0.0",
      "--cpus NaN -- true         | --cpus must be a positive number, got NaN",
      "--mem Infinity -- true     | --mem must be a positive number, got Infinity",
      "--disk -5 -- true          | --disk must be 0 or a positive number of MB, got -5.0",
      "--timeout -1 -- true       | --timeout must be 0",
      "--master host:x -- true    | --master: master address 'host:x' has port 'x'",
      "--cpus abc -- true         | 'abc'",
      "--                         | missing command",
      "''                         | missing command"})
  void rejectsBadArgumentsWithAUsageError(String args, String message) {
    String[] argv = args.isEmpty() ? new String[] {""} : args.trim().split("\\s+");
    java.io.StringWriter err = new java.io.StringWriter();
    int code = new CommandLine(new RunCommand()).setErr(new java.io.PrintWriter(err)).execute(argv);
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains(message).contains("Usage: run");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void aMasterThatIsNotThereExitsTwoAndSaysWhatToDo() throws IOException {
    int port = closedPort();
    try (CliStreams streams = new CliStreams()) {
      int code = new CommandLine(new RunCommand()).execute("--master", "127.0.0.1:" + port, "--", "true");
      assertThat(code).isEqualTo(2);
      assertThat(streams.err()).contains("cannot reach a master at 127.0.0.1:" + port).contains("meso local");
      assertThat(streams.out()).isEmpty();
    }
  }

  /** A port nothing listens on (bound, then released). */
  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
