package io.meso.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Meso node started from the built jar as its own JVM, with stdout and stderr kept in files
 * under target/it-logs so a failing test can be read afterwards.
 */
final class MesoProcess implements AutoCloseable {

  static final List<String> JVM_FLAGS = List.of(
      "--add-modules", "java.se", "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
      "--add-opens", "java.management/sun.management=ALL-UNNAMED",
      "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
      "-Xmx256m", "-XX:+UseSerialGC");

  /**
   * Flags added for nodes that live a minute or two, as in the failover ITs: C1 only, whose
   * compilations cost far less CPU than C2's, which such a node does not live long enough to
   * repay. Five masters started at once on two cores elected a leader 12 s after their start
   * with it, 18 s without (17 and 29 CPU-seconds). Benchmarks do not use it: they measure compiled
   * code. (NetnsClusterIT's nodes get the same flag through JAVA_OPTS.)
   */
  static final List<String> SHORT_LIVED = List.of("-XX:TieredStopAtLevel=1");

  final String name;
  final Process process;
  final Path stdout;
  final Path stderr;

  private MesoProcess(String name, Process process, Path stdout, Path stderr) {
    this.name = name;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  static Path jar() {
    String jar = System.getProperty("meso.jar", "../cli/target/meso.jar");
    Path path = Path.of(jar);
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException("the Meso jar " + path.toAbsolutePath() + " is missing; run `mvn package` first");
    }
    return path;
  }

  static MesoProcess start(String name, String... args) throws IOException {
    return start(name, List.of(), args);
  }

  /** Starts a node with JVM flags added after {@link #JVM_FLAGS} (a later -Xmx wins). */
  static MesoProcess start(String name, List<String> extraJvmFlags, String... args) throws IOException {
    return start(name, java.util.Map.of(), extraJvmFlags, args);
  }

  /** Starts a node with environment variables added (e.g. MESO_HAZELCAST_LOG_LEVEL) and JVM flags as above. */
  static MesoProcess start(String name, java.util.Map<String, String> env, List<String> extraJvmFlags,
      String... args) throws IOException {
    Path logs = Path.of("target", "it-logs");
    Files.createDirectories(logs);
    Path out = logs.resolve(name + ".out");
    Path err = logs.resolve(name + ".err");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_FLAGS);
    command.addAll(extraJvmFlags);
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().remove("MESO_CONFIG");
    pb.environment().putAll(env);
    return new MesoProcess(name, pb.start(), out, err);
  }

  /** Waits until stdout has a line matching {@code regex} and returns its first group (or the whole match). */
  String awaitOutput(String regex, Duration timeout) {
    Pattern pattern = Pattern.compile(regex);
    String[] found = new String[1];
    await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
      if (!process.isAlive() && !pattern.matcher(Files.readString(stdout)).find()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + ": " + Files.readString(stderr));
      }
      Matcher m = pattern.matcher(Files.readString(stdout));
      if (m.find()) {
        found[0] = m.groupCount() > 0 ? m.group(1) : m.group();
        return true;
      }
      return false;
    });
    return found[0];
  }

  boolean isAlive() {
    return process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
    }
  }

  /** Stops the node like an operator would (SIGTERM, so it cleans up), and SIGKILLs what is left after 20 s. */
  @Override
  public void close() {
    closeAll(List.of(this));
  }

  /**
   * Ends masters at the end of a test with SIGKILL: a master keeps nothing outside its JVM (no
   * work dir, no cgroups), and stopped with SIGTERM, one whose CP groups lost their majority (as a
   * failover test's kills leave them) spends the whole 10 s the CLI gives Vert.x to close.
   */
  static void killAll(java.util.Collection<MesoProcess> masters) {
    masters.forEach(m -> m.process.destroyForcibly());
    try {
      for (MesoProcess m : masters) {
        m.process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Stops nodes as {@link #close} does, all at once: SIGTERM to every one, up to 20 s for all of
   * them, then SIGKILL to what is left and to their descendants (tasks). Closed one after the
   * other, a test's nodes took the sum of their shutdowns (18 s for JobsFailoverIT's: a master
   * whose CP group lost its majority spends 10 s on its own).
   */
  static void closeAll(java.util.Collection<MesoProcess> nodes) {
    List<ProcessHandle> descendants = nodes.stream().flatMap(n -> n.process.descendants()).toList();
    nodes.forEach(n -> n.process.destroy());
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
    try {
      for (MesoProcess n : nodes) {
        n.process.waitFor(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    nodes.forEach(n -> n.process.destroyForcibly());
    descendants.forEach(ProcessHandle::destroyForcibly);
  }

  /**
   * A free port below the kernel's ephemeral range, for a node that must be told its port before
   * it starts (a master's cluster port, which the others are given to join). A port the system
   * picks ({@link #freePort()}) is in the ephemeral range, where any outgoing connection on the
   * machine may take it before the node binds it: on a busy machine a master's JVM took over a
   * minute to bind, and by then its port had gone.
   */
  static int freeFixedPort() throws IOException {
    int low = 32_768;
    try {
      // One line read, not the whole file: a read to the end of this /proc file never ended (Files.readString spun).
      try (java.io.BufferedReader range = new java.io.BufferedReader(
          new java.io.FileReader("/proc/sys/net/ipv4/ip_local_port_range"))) {
        low = Integer.parseInt(range.readLine().trim().split("\\s+")[0]);
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: below the usual start of the range
    }
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = random.nextInt(10_000, Math.max(10_001, low));
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port between 10000 and " + low);
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress("127.0.0.1", 0));
      return socket.getLocalPort();
    }
  }
}
