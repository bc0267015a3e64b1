package io.meso.executor.docker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a fake {@code docker} executable (POSIX sh, with awk for the log: it starts in a few
 * milliseconds, where a python3 one took 0.3-1.5 s a call here) for tests: it appends each call's arguments
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
      #!/bin/sh
      # A fake docker client and engine (see FakeDocker): POSIX sh, as fast to start as the real client.
      STATE=@STATE@
      C="$STATE/containers"
      I="$STATE/images"
      mkdir -p "$C" "$I"
      awk 'BEGIN { s = "["; for (i = 1; i < ARGC; i++) { a = ARGV[i]; gsub(/\\\\/, "&&", a); gsub(/"/, "\\\\\\"", a);
        gsub(/\\n/, "\\\\n", a); gsub(/\\t/, "\\\\t", a); gsub(/\\r/, "\\\\r", a); s = s (i > 1 ? ", " : "") "\\"" a "\\"" }
        print s "]" }' "$@" >> "$STATE/calls"
      code() { [ -f "$C/$1.exit" ] && cat "$C/$1.exit"; }
      finish() { printf '%s' "$2" > "$C/$1.exit.tmp" && mv -f "$C/$1.exit.tmp" "$C/$1.exit"; }
      # Polls for the container's exit status for up to $2 seconds ("" = for ever); prints it if it came.
      wait_exit() {
        polls=""; [ -n "$2" ] && polls=$(( $2 * 20 ))
        while [ ! -f "$C/$1.exit" ]; do
          if [ -n "$polls" ]; then
            [ "$polls" -le 0 ] && return 1
            polls=$(( polls - 1 ))
          fi
          sleep 0.05
        done
        code "$1"
      }
      hard_kill() {
        if [ ! -f "$C/$1.exit" ]; then
          pid=$(cat "$C/$1.pid" 2>/dev/null)
          [ -n "$pid" ] && { kill -KILL "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null; }
          finish "$1" 137
        fi
      }
      image_file() { printf '%s' "$1" | tr / _; }
      cmd=$1
      case "$cmd" in
        version) echo 'fake docker'; exit 0 ;;
        image) [ -e "$I/$(image_file "$3")" ] && exit 0; exit 1 ;;
        pull)
          case "$2" in *missing*) echo 'manifest unknown' >&2; exit 1 ;; esac
          : > "$I/$(image_file "$2")"; exit 0 ;;
        run)
          shift
          name=""; prev=""
          for a in "$@"; do [ "$prev" = "--name" ] && name=$a; prev=$a; done
          while [ $# -gt 0 ]; do
            case "$1" in
              -*=*|--privileged) shift ;;
              -*) shift 2 ;;
              *) break ;;
            esac
          done
          image=$1; shift
          last=${image##*/}
          case "$last" in *:*) kind=${last%%:*}; n=${last#*:} ;; *) kind=$last; n="" ;; esac
          # The container: a session of its own (it outlives its client); SIGTERM ends it with 143.
          setsid sh -c '
            C=$1; name=$2; kind=$3; n=$4
            finish() { printf "%s" "$2" > "$C/$1.exit.tmp" && mv -f "$C/$1.exit.tmp" "$C/$1.exit"; }
            if [ "$kind" = sleep ]; then
              trap "kill \\$sp 2>/dev/null; finish \\"\\$name\\" 143; exit 143" TERM
              sleep "$n" & sp=$!
              wait "$sp"
              finish "$name" 0
            else
              finish "$name" "$n"
            fi' fake-container "$C" "$name" "$kind" "$n" < /dev/null > /dev/null 2>&1 &
          echo "$!" > "$C/$name.pid"
          echo "container $name runs $*"
          exit "$(wait_exit "$name" "")" ;;
        stop)
          t=$3; name=$4
          if [ ! -f "$C/$name.exit" ]; then
            kill -TERM "$(cat "$C/$name.pid")" 2>/dev/null
            wait_exit "$name" "$t" > /dev/null || hard_kill "$name"
          fi
          echo "$name"; exit 0 ;;
        kill) hard_kill "$2"; echo "$2"; exit 0 ;;
        rm)
          for name in "$@"; do :; done
          [ -f "$C/$name.pid" ] && hard_kill "$name"
          rm -f "$C/$name.pid" "$C/$name.exit"
          exit 0 ;;
        ps)
          prefix=""; prev=""
          for a in "$@"; do [ "$prev" = "--filter" ] && prefix=${a#name=}; prev=$a; done
          for f in $(ls "$C" | sort); do
            case "$f" in *.pid) case "$f" in *"$prefix"*) echo "${f%.pid}" ;; esac ;; esac
          done
          exit 0 ;;
        wait) wait_exit "$2" ""; echo; exit 0 ;;
      esac
      echo "fake docker: unknown command $cmd" >&2
      exit 2
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
    Files.writeString(binary, SCRIPT.replace("@STATE@", "'" + state + "'"));
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
