package io.meso.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code --cluster-secret-file} on master and agent: a weak or unreadable secret is refused before
 * anything starts, with a message naming the flag and file and saying how to make a good one
 * (never the secret); an agent the master refused exits with {@link AgentCommand#EXIT_REFUSED}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClusterSecretFlagTest {

  @TempDir
  Path dir;

  /** Runs the CLI as {@link Meso#run} does, capturing what it prints on stderr. */
  static int run(StringWriter err, String... args) {
    CommandLine cli = new CommandLine(new Meso()).setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("meso: " + e.getMessage());
      return 2;
    });
    return cli.execute(args);
  }

  @Test
  void aWeakSecretIsRefusedByMasterAndAgent() throws Exception {
    Path weak = Files.writeString(dir.resolve("weak"), "letmein-letmein\n");
    StringWriter agentErr = new StringWriter();
    assertThat(run(agentErr, "agent", "--join", "127.0.0.1:1", "--cluster-secret-file", weak.toString())).isEqualTo(2);
    assertThat(agentErr.toString()).contains("--cluster-secret-file " + weak).contains("too weak")
        .contains("head -c 32 /dev/urandom").doesNotContain("letmein");
    StringWriter masterErr = new StringWriter();
    assertThat(run(masterErr, "master", "--port", "0", "--cluster-secret-file", dir.resolve("missing").toString()))
        .isEqualTo(2);
    assertThat(masterErr.toString()).contains("--cluster-secret-file " + dir.resolve("missing"))
        .contains("cannot be read");
  }

  @Test
  void anAgentTheMasterRefusedExitsWithTheRefusedStatus() throws Exception {
    Vertx vertx = Vertx.vertx();
    CompletableFuture<String> refused = new CompletableFuture<>();
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
      try {
        return AgentCommand.waitForShutdownOrGone(vertx, new CompletableFuture<>(), refused);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(exit).isNotDone();
    refused.complete("agent admission refused: the proof does not match");
    assertThat(exit.get(30, TimeUnit.SECONDS)).isEqualTo(AgentCommand.EXIT_REFUSED);
  }
}
