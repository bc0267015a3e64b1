package io.meso.executor;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor's long-lived launch server, {@code meso-launch --server} (src/main/c): spawned
 * once, it forks one child per task that runs the same steps as a per-launch helper run (setsid,
 * cgroup joins, mount view, pid namespace, privilege drop, the exit-status wait) and execs the
 * command. A launch then execs only the command, not jspawnhelper and the helper as well (two
 * execs of about a millisecond of CPU each on a VM; BENCHMARKS.md, issue 16), and a task's tree is
 * the same as with a per-launch helper (its leader is the forked child).
 *
 * <p>Protocol over the server's stdin and stdout: a request is a 4-byte big-endian length, then
 * NUL-terminated strings (id, working directory, stdin, stdout and stderr files, the number of
 * environment entries, the entries, the helper's argv); the server answers in lines: {@code R
 * meso-launch VERSION} once ready, {@code S ID PID} (forked), {@code F ID WHY} (nothing forked:
 * a directory or file could not be opened), and {@code X PID STATUS} whenever a child it forked
 * ended (the server reaps them). Requests are written by the spawning threads (blocking, as
 * ProcessBuilder.start is); replies are read by one daemon thread of this class, never an event
 * loop.
 *
 * <p>When the server dies (end of its output), launches in flight fail, the leaders it forked
 * are {@link ServedProcess#orphan orphaned} (they keep running, in their own sessions; init or a
 * subreaper reaps them; the executor polls them as adopted tasks), and {@link #alive()} turns false
 * so that the executor spawns a helper per launch again. That is logged once.
 */
final class LaunchServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LaunchServer.class);
  /** How long a launch waits for the server's answer before the server is taken for hung (and killed). */
  static final long REPLY_TIMEOUT_MILLIS = 60_000;
  /** Room for a task leader's argv (longer ones are cut there: ps only). */
  private static final int TITLE_ROOM = 8192;

  /** The server cannot take launches (it died or was closed): launch another way. Nothing was forked. */
  static final class Unavailable extends Exception {
    Unavailable(String message) {
      super(message);
    }
  }

  private final Process process;
  private final String agentId;
  private final OutputStream requests;
  private final Object lock = new Object();
  /** Guarded by lock. */
  private final Map<String, CompletableFuture<ServedProcess>> pending = new HashMap<>();
  /** Leaders forked and not yet reported ended; only the reader thread touches it. */
  private final Map<Long, ServedProcess> running = new HashMap<>();
  private final AtomicLong ids = new AtomicLong();
  /** Guarded by lock: why the server cannot take launches, null while it can. */
  private String dead;
  private volatile boolean closing;

  private LaunchServer(Process process, String agentId) {
    this.process = process;
    this.agentId = agentId;
    this.requests = process.getOutputStream();
  }

  /**
   * Blocking: starts the server of {@code helper} and waits for it to say it is ready; null (and
   * logged, with why) when it cannot be used, in which case every launch spawns the helper.
   */
  static LaunchServer start(LaunchHelper helper, String agentId) {
    Process p = null;
    try {
      // The padding argument only makes room in its argv area, which each child overwrites with its own
      // argv (what ps shows for a task leader, as with a per-launch helper).
      p = new ProcessBuilder(helper.executable().toString(), "--server", " ".repeat(TITLE_ROOM))
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .directory(new File("/"))
          .start();
      BufferedReader replies = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String ready = replies.readLine();
      String expected = "R meso-launch " + LaunchHelper.VERSION;
      if (!expected.equals(ready)) {
        throw new IOException("it answered '" + ready + "', expected '" + expected + "'");
      }
      LaunchServer server = new LaunchServer(p, agentId);
      Thread reader = new Thread(() -> server.read(replies), "meso-launch-server-" + agentId);
      reader.setDaemon(true);
      reader.start();
      LOG.info("tasks launch through the launch server pid={} agent_id={}", p.pid(), agentId);
      return server;
    } catch (IOException e) {
      if (p != null) {
        p.destroyForcibly();
      }
      LOG.warn("the launch server cannot be used, every launch spawns the launch helper: {} agent_id={}",
          e.getMessage(), agentId);
      return null;
    }
  }

  /** The server's pid. */
  long pid() {
    return process.pid();
  }

  /** Whether launches go to the server (false once it died or was closed). */
  boolean alive() {
    synchronized (lock) {
      return dead == null;
    }
  }

  /**
   * Blocking: forks a task leader that runs {@code argv} (a helper's argv: the helper's path, its
   * options, {@code --}, the command) in {@code cwd} with stdin from /dev/null, stdout and stderr
   * to these files (created or truncated) and exactly {@code env}.
   *
   * @throws Unavailable the server cannot take launches; nothing was forked
   * @throws IOException the server refused (a file or directory could not be opened; nothing was
   *     forked), or died or hung while launching (a leader may have been forked)
   */
  ServedProcess launch(List<String> argv, Path cwd, Path stdout, Path stderr, Map<String, String> env)
      throws Unavailable, IOException {
    String id = Long.toString(ids.incrementAndGet());
    byte[] frame = frame(id, argv, cwd, stdout, stderr, env);
    CompletableFuture<ServedProcess> reply = new CompletableFuture<>();
    synchronized (lock) {
      if (dead != null) {
        throw new Unavailable(dead);
      }
      pending.put(id, reply);
    }
    try {
      synchronized (requests) {
        requests.write(frame);
        requests.flush();
      }
    } catch (IOException e) {
      synchronized (lock) {
        pending.remove(id);
      }
      // The server never read the whole request (it is gone): nothing was forked.
      throw new Unavailable("cannot write to the launch server: " + e.getMessage());
    }
    try {
      return reply.get(REPLY_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } catch (TimeoutException e) {
      LOG.warn("the launch server did not answer a launch in {} ms: killing it pid={} agent_id={}",
          REPLY_TIMEOUT_MILLIS, process.pid(), agentId);
      process.destroyForcibly();
      throw new IOException("the launch server did not answer in " + REPLY_TIMEOUT_MILLIS + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the launch server");
    }
  }

  private static byte[] frame(String id, List<String> argv, Path cwd, Path stdout, Path stderr,
      Map<String, String> env) throws IOException {
    List<String> fields = new ArrayList<>();
    fields.addAll(List.of(id, cwd.toString(), "/dev/null", stdout.toString(), stderr.toString(),
        Integer.toString(env.size())));
    env.forEach((k, v) -> fields.add(k + "=" + v));
    fields.addAll(argv);
    ByteArrayOutputStream body = new ByteArrayOutputStream(1024);
    body.write(new byte[4]);
    for (String field : fields) {
      if (field.indexOf('\0') >= 0) {
        throw new IOException("a NUL character in '" + field.replace('\0', '?') + "' (argv, environment or path)");
      }
      body.write(field.getBytes(StandardCharsets.UTF_8));
      body.write(0);
    }
    byte[] bytes = body.toByteArray();
    int len = bytes.length - 4;
    bytes[0] = (byte) (len >>> 24);
    bytes[1] = (byte) (len >>> 16);
    bytes[2] = (byte) (len >>> 8);
    bytes[3] = (byte) len;
    return bytes;
  }

  /** The reader thread: replies until the server's output ends. */
  private void read(BufferedReader replies) {
    String why = "its output ended";
    try {
      for (String line = replies.readLine(); line != null; line = replies.readLine()) {
        handle(line);
      }
    } catch (IOException | RuntimeException e) {
      why = e.toString();
    }
    died(why);
  }

  private void handle(String line) {
    String[] parts = line.split(" ", 3);
    switch (parts[0]) {
      case "S" -> {
        ServedProcess leader = new ServedProcess(Long.parseLong(parts[2]));
        running.put(leader.pid(), leader); // before the next line: its X may follow at once
        complete(parts[1], leader, null);
      }
      case "F" -> complete(parts[1], null, new IOException(parts.length > 2 ? parts[2] : "refused"));
      case "X" -> {
        ServedProcess leader = running.remove(Long.parseLong(parts[1]));
        if (leader != null) {
          leader.exited(Integer.parseInt(parts[2]));
        } else {
          LOG.warn("the launch server reported an unknown pid line='{}' agent_id={}", line, agentId);
        }
      }
      default -> LOG.warn("unexpected line from the launch server line='{}' agent_id={}", line, agentId);
    }
  }

  private void complete(String id, ServedProcess leader, IOException failure) {
    CompletableFuture<ServedProcess> reply;
    synchronized (lock) {
      reply = pending.remove(id);
    }
    if (reply == null) {
      LOG.warn("the launch server answered an unknown request id={} agent_id={}", id, agentId);
    } else if (failure != null) {
      reply.completeExceptionally(failure);
    } else {
      reply.complete(leader);
    }
  }

  private void died(String why) {
    List<CompletableFuture<ServedProcess>> inFlight;
    synchronized (lock) {
      if (dead == null) {
        dead = "the launch server died (" + why + ")";
      }
      inFlight = new ArrayList<>(pending.values());
      pending.clear();
    }
    if (!closing) {
      LOG.warn("the launch server died ({}): every launch spawns the launch helper from now on; {} running tasks "
          + "it launched are watched as adopted tasks pid={} agent_id={}", why, running.size(), process.pid(), agentId);
    }
    for (CompletableFuture<ServedProcess> reply : inFlight) {
      reply.completeExceptionally(new IOException("the launch server died during the launch"));
    }
    for (ServedProcess leader : running.values()) {
      leader.orphan("the launch server died");
    }
    running.clear();
  }

  /**
   * Blocking, briefly: ends the server (closing its input); the tasks it launched run on. Their
   * {@link ServedProcess}es are orphaned: whoever closes the server has stopped watching them.
   */
  @Override
  public void close() {
    synchronized (lock) {
      closing = true;
      if (dead == null) {
        dead = "the launch server was closed";
      }
    }
    try {
      requests.close();
    } catch (IOException e) {
      // already gone
    }
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
