package io.meso.executor.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a fake {@code docker} executable (python3) for tests: it appends each call's arguments
 * as a JSON array to {@code <state>/calls} and plays a container's lifecycle. {@code run} forks
 * the "container" into a session of its own (as the engine holds it apart from the client),
 * whose image says what it does: {@code fake/exit:N} exits N at once, {@code fake/sleep:N}
 * sleeps N seconds then exits 0 (SIGTERM: exits 143); the attached client waits for it and
 * exits with its status. {@code stop -t T} SIGTERMs it and SIGKILLs it after T s; {@code kill}
 * SIGKILLs it (137); {@code rm -f}; {@code ps -a --filter name=P} lists containers named P...;
 * {@code wait} prints the status; {@code image inspect} succeeds for pulled images; {@code pull}
 * of an image with "missing" in its name fails.
 */
public final class FakeDocker {

  static final String SCRIPT = """
      #!/usr/bin/env python3
      import sys, os, json, time, signal
      STATE = %s
      args = sys.argv[1:]
      C = os.path.join(STATE, 'containers')
      I = os.path.join(STATE, 'images')
      os.makedirs(C, exist_ok=True); os.makedirs(I, exist_ok=True)
      with open(os.path.join(STATE, 'calls'), 'a') as f:
          f.write(json.dumps(args) + '\\n')
      def code(n):
          p = os.path.join(C, n + '.exit')
          return int(open(p).read()) if os.path.exists(p) else None
      def pid(n):
          return int(open(os.path.join(C, n + '.pid')).read())
      def finish(n, c):
          with open(os.path.join(C, n + '.exit.tmp'), 'w') as f: f.write(str(c))
          os.rename(os.path.join(C, n + '.exit.tmp'), os.path.join(C, n + '.exit'))
      def wait_exit(n, secs):
          end = time.time() + secs
          while code(n) is None and time.time() < end: time.sleep(0.05)
          return code(n)
      def hard_kill(n):
          if code(n) is None:
              try: os.kill(pid(n), signal.SIGKILL)
              except ProcessLookupError: pass
              finish(n, 137)
      cmd = args[0]
      if cmd == 'version':
          print('fake docker'); sys.exit(0)
      if cmd == 'image':
          sys.exit(0 if os.path.exists(os.path.join(I, args[2].replace('/', '_'))) else 1)
      if cmd == 'pull':
          if 'missing' in args[1]:
              print('manifest unknown', file=sys.stderr); sys.exit(1)
          open(os.path.join(I, args[1].replace('/', '_')), 'w').close(); sys.exit(0)
      if cmd == 'run':
          name = args[args.index('--name') + 1]
          i = 1
          while args[i].startswith('-'):
              i += 1 if ('=' in args[i] or args[i] == '--privileged') else 2
          image = args[i]
          kind, _, n = image.split('/')[-1].partition(':')
          child = os.fork()
          if child == 0:
              os.setsid()
              signal.signal(signal.SIGTERM, lambda s, f: (finish(name, 143), os._exit(143)))
              if kind == 'sleep':
                  time.sleep(int(n)); finish(name, 0)
              else:
                  finish(name, int(n))
              os._exit(0)
          with open(os.path.join(C, name + '.pid'), 'w') as f: f.write(str(child))
          print('container ' + name + ' runs ' + ' '.join(args[i + 1:]), flush=True)
          sys.exit(wait_exit(name, 1e9))
      if cmd == 'stop':
          t, name = int(args[2]), args[3]
          if code(name) is None:
              try: os.kill(pid(name), signal.SIGTERM)
              except ProcessLookupError: pass
              if wait_exit(name, t) is None: hard_kill(name)
          print(name); sys.exit(0)
      if cmd == 'kill':
          hard_kill(args[1]); print(args[1]); sys.exit(0)
      if cmd == 'rm':
          name = args[-1]
          if os.path.exists(os.path.join(C, name + '.pid')): hard_kill(name)
          for suffix in ('.pid', '.exit'):
              p = os.path.join(C, name + suffix)
              if os.path.exists(p): os.remove(p)
          sys.exit(0)
      if cmd == 'ps':
          prefix = args[args.index('--filter') + 1][len('name='):]
          for f in sorted(os.listdir(C)):
              if f.endswith('.pid') and prefix in f: print(f[:-4])
          sys.exit(0)
      if cmd == 'wait':
          print(wait_exit(args[1], 1e9)); sys.exit(0)
      print('fake docker: unknown command ' + cmd, file=sys.stderr); sys.exit(2)
      """;

  final Path binary;
  final Path state;

  private FakeDocker(Path binary, Path state) {
    this.binary = binary;
    this.state = state;
  }

  /** Writes the fake under {@code dir}. */
  public static FakeDocker create(Path dir) throws IOException {
    Path state = Files.createDirectories(dir.resolve("docker-state"));
    Path binary = dir.resolve("docker");
    Files.writeString(binary, SCRIPT.formatted("'" + state + "'"));
    Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
    return new FakeDocker(binary, state);
  }

  public Path binary() {
    return binary;
  }

  public Path state() {
    return state;
  }

  /** Every call so far, each as its argument list. */
  public List<List<String>> calls() throws IOException {
    List<List<String>> calls = new ArrayList<>();
    Path file = state.resolve("calls");
    if (!Files.exists(file)) {
      return calls;
    }
    for (String line : Files.readAllLines(file)) {
      io.vertx.core.json.JsonArray array = new io.vertx.core.json.JsonArray(line);
      List<String> call = new ArrayList<>();
      array.forEach(o -> call.add((String) o));
      calls.add(call);
    }
    return calls;
  }

  /**
   * After a test, once its Vert.x is closed: SIGKILLs every process still running a program under
   * {@code dir} (fake docker calls still in flight, "containers" left running) and waits until none
   * is left, so nothing writes into the test's temporary directory while JUnit deletes it.
   */
  public static void killEverythingUnder(Path dir) {
    String prefix = dir.toAbsolutePath().toString();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
        .pollInterval(java.time.Duration.ofMillis(20))
        .until(() -> {
          List<ProcessHandle> left = ProcessHandle.allProcesses()
              .filter(p -> p.pid() != ProcessHandle.current().pid())
              .filter(p -> commandLine(p.pid()).contains(prefix)).toList();
          left.forEach(ProcessHandle::destroyForcibly);
          return left.isEmpty();
        });
  }

  private static String commandLine(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
          java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      return ""; // gone already, or not ours to read
    }
  }

  /** Marks an image as present. */
  public void hasImage(String image) throws IOException {
    Files.createDirectories(state.resolve("images"));
    Files.writeString(state.resolve("images").resolve(image.replace('/', '_')), "");
  }
}
