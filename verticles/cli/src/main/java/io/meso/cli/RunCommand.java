package io.meso.cli;

import io.meso.codecs.TaskStates;
import io.meso.scheduler.ApiException;
import io.meso.scheduler.GrpcOperatorClient;
import io.meso.scheduler.GrpcSchedulerClient;
import io.meso.scheduler.MasterAddress;
import io.meso.scheduler.OneTaskScheduler;
import io.meso.scheduler.SandboxTail;
import io.meso.v1.FrameworkID;
import io.meso.v1.Offer;
import io.meso.v1.TaskID;
import io.meso.v1.TaskState;
import io.meso.v1.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.net.SocketAddress;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code meso run}: runs one command as a task and behaves like running it locally: its stdout
 * and stderr stream here, each state change is one line on stderr, and the exit code is the
 * task's. A one-shot framework ({@link OneTaskScheduler}) over gRPC; Ctrl-C kills the task.
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    defaultValueProvider = MesoDefaults.class,
    description = {
        "Run one command as a task on the cluster and wait for it.",
        "Its output streams here and meso exits with the task's exit code; Ctrl-C kills the task."},
    footer = {"", "Examples:", "  meso run -- echo hello", "  meso run --cpus 1 --mem 256 -- sh -c 'echo hello; exit 3'"})
public final class RunCommand implements Callable<Integer> {

  /** Exit code when the master cannot be reached or is not serving. */
  static final int EXIT_UNREACHABLE = 2;
  /** Exit code when --timeout expired (as timeout(1)). */
  static final int EXIT_TIMEOUT = 124;
  static final int EXIT_INTERRUPTED = 130;
  /** After this long without a fitting offer, say what we are waiting for. */
  private static final long WAITING_HINT_MILLIS = 3_000;
  private static final int MAX_DEFAULT_NAME = 100;
  private static final Pattern EXIT_STATUS = Pattern.compile("status (\\d+)");
  private static final Pattern SAFE_WORD = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  @Spec
  CommandSpec spec;

  @Option(names = "--name", paramLabel = "NAME", description = "Task name (default: the command).")
  String name;

  @Option(names = "--user", paramLabel = "USER", defaultValue = "", description = "The user the task runs as on "
      + "an agent that runs as root (its framework's user; default: none, so the agent's --task-user, nobody unless "
      + "it says otherwise).")
  String user;

  @Option(names = "--cpus", paramLabel = "CPUS", defaultValue = "0.1", description = "CPUs for the task (default: ${DEFAULT-VALUE}).")
  double cpus;

  @Option(names = "--mem", paramLabel = "MB", defaultValue = "32", description = "Memory for the task in MB (default: ${DEFAULT-VALUE}).")
  double mem;

  @Option(names = "--disk", paramLabel = "MB", defaultValue = "0", description = "Disk for the task in MB (default: none asked for).")
  double disk;

  @Option(names = "--role", paramLabel = "ROLE", defaultValue = "*", description = "Role to take resources from (default: ${DEFAULT-VALUE}).")
  String role;

  @Option(names = "--master", paramLabel = "[https://]HOST:PORT[,...]", defaultValue = MasterAddress.DEFAULT,
      description = "The master's API port, or several masters' (any of them serves; the next is tried when one is "
          + "down) (default: ${DEFAULT-VALUE}).")
  String master;

  @picocli.CommandLine.Mixin
  CaCertOption ca = new CaCertOption();

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "0",
      description = "Give up after this many seconds: kill the task and exit with 124 (default: 0, no limit).")
  double timeout;

  @picocli.CommandLine.Mixin
  io.meso.cli.services.ClientAuth auth = new io.meso.cli.services.ClientAuth();

  @Parameters(paramLabel = "CMD", arity = "0..*", description = "The command and its arguments, after --.")
  List<String> command = new ArrayList<>();

  @Override
  public Integer call() {
    validate();
    List<SocketAddress> address = masterAddresses(spec, master);
    io.meso.security.tls.ClientTls tls = clientTls(spec, ca, master);
    io.meso.scheduler.ClientCredentials credentials = credentials(spec, auth);
    String shell = shellCommand(command);
    String taskId = "run-" + UUID.randomUUID().toString().substring(0, 8);
    String taskName = name != null && !name.isBlank() ? name
        : shell.length() > MAX_DEFAULT_NAME ? shell.substring(0, MAX_DEFAULT_NAME) : shell;
    OneTaskScheduler.Spec task = new OneTaskScheduler.Spec(taskId, taskName, shell, cpus, mem, disk, role, user);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    // A CLI prints one plain line per problem, never a stack trace: anything a callback lets
    // escape is logged at debug (MESO_LOG_LEVEL=DEBUG shows it) instead of Vert.x's ERROR trace.
    vertx.exceptionHandler(t -> org.slf4j.LoggerFactory.getLogger(RunCommand.class).debug("unhandled", t));
    try {
      return new Run(vertx, address, tls, credentials, task, System.out, System.err).execute();
    } finally {
      try {
        vertx.close().await(5, TimeUnit.SECONDS);
      } catch (TimeoutException e) {
        // Exiting anyway.
      }
    }
  }

  private void validate() {
    positive("--cpus", cpus);
    positive("--mem", mem);
    if (!(disk >= 0) || Double.isInfinite(disk)) {
      throw new ParameterException(spec.commandLine(), "--disk must be 0 or a positive number of MB, got " + disk);
    }
    if (!(timeout >= 0) || Double.isInfinite(timeout)) {
      throw new ParameterException(spec.commandLine(), "--timeout must be 0 (no limit) or a positive number of seconds, got "
          + timeout);
    }
    if (role == null || role.isBlank()) {
      throw new ParameterException(spec.commandLine(), "--role must not be empty; use * for unreserved resources");
    }
    if (command.isEmpty() || command.stream().allMatch(String::isBlank)) {
      throw new ParameterException(spec.commandLine(),
          "missing command: give the command to run after --, e.g. meso run -- echo hello");
    }
  }

  private void positive(String option, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new ParameterException(spec.commandLine(), option + " must be a positive number, got " + value);
    }
  }

  /** The TLS trust of --ca-cert (or an https:// master), null for cleartext; a bad CA file is a usage error. */
  static io.meso.security.tls.ClientTls clientTls(CommandSpec spec, CaCertOption ca, String master) {
    try {
      return ca.tls(master);
    } catch (io.meso.security.tls.TlsConfigException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--master: " + e.getMessage());
    }
  }

  static List<SocketAddress> masterAddresses(CommandSpec spec, String value) {
    try {
      return MasterAddress.parseList(value);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--master: " + e.getMessage());
    }
  }

  /**
   * The shell string for the task: a single argument is already a shell command
   * ({@code meso run -- 'echo hi | wc -c'}); several are quoted word by word so the shell sees
   * exactly those words ({@code meso run -- sh -c 'echo hello; exit 3'}).
   */
  static String shellCommand(List<String> args) {
    if (args.size() == 1) {
      return args.get(0);
    }
    return args.stream().map(RunCommand::shellQuote).collect(Collectors.joining(" "));
  }

  /** POSIX shell quoting: plain words stay, anything else goes in single quotes. */
  static String shellQuote(String word) {
    if (SAFE_WORD.matcher(word).matches()) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }

  /**
   * The exit code a terminal status stands for: FINISHED 0; FAILED the command's status
   * (from "... status N"), else 1; KILLED 128+signal when the status says so, else 143
   * (SIGTERM); ERROR, DROPPED, LOST, GONE 1.
   */
  static int exitCode(TaskStatus status) {
    int reported = reportedStatus(status.getMessage());
    return switch (status.getState()) {
      case TASK_FINISHED -> 0;
      case TASK_FAILED -> reported > 0 ? reported : 1;
      case TASK_KILLED -> reported > 128 ? reported
          : status.getMessage().contains("SIGKILL") ? 137 : 143;
      default -> 1;
    };
  }

  /** The last "status N" in a message, if it is a valid exit status (1-255), else 0. */
  private static int reportedStatus(String message) {
    Matcher m = EXIT_STATUS.matcher(message == null ? "" : message);
    int found = 0;
    while (m.find()) {
      try {
        found = Integer.parseInt(m.group(1));
      } catch (NumberFormatException e) {
        found = 0;
      }
    }
    return found >= 1 && found <= 255 ? found : 0;
  }

  /** One line per state change: "task ID RUNNING on agent HOST", "task ID FAILED: message". */
  static String statusLine(TaskStatus status, String hostname) {
    String state = stateName(status.getState());
    StringBuilder line = new StringBuilder("task ").append(status.getTaskId().getValue()).append(' ').append(state);
    if (status.getState() == TaskState.TASK_RUNNING && hostname != null) {
      line.append(" on agent ").append(hostname);
    }
    boolean explain = TaskStates.isTerminal(status.getState()) && status.getState() != TaskState.TASK_FINISHED
        || status.getState() == TaskState.TASK_UNREACHABLE;
    if (explain && !status.getMessage().isBlank()) {
      line.append(": ").append(status.getMessage());
    }
    return line.toString();
  }

  static String stateName(TaskState state) {
    return state.name().replaceFirst("^TASK_", "");
  }

  /**
   * What went wrong talking to the master, on stderr, and the exit code for it: 2 when it
   * cannot be reached or is not serving, 1 when it refused.
   */
  /** The credentials the command's flags and environment give (null for none); a bad combination is a usage error. */
  static io.meso.scheduler.ClientCredentials credentials(picocli.CommandLine.Model.CommandSpec spec,
      io.meso.cli.services.ClientAuth auth) {
    try {
      return auth.credentials();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  static int report(PrintStream err, Throwable failure, String master) {
    if (failure instanceof ApiException api) {
      if (api.unreachable()) {
        err.println("meso: cannot reach a master at " + master + " (" + rootMessage(api) + ").");
        err.println("Start one with `meso local`, or point --master (or MESO_MASTER) at a running master.");
        return EXIT_UNREACHABLE;
      }
      err.println("meso: " + api.getMessage());
      if (api.code() == 401) {
        err.println("The master requires credentials: --principal NAME --secret-file FILE, or --token-file FILE "
            + "(or MESO_PRINCIPAL with MESO_SECRET, or MESO_TOKEN).");
      }
      return api.code() == ApiException.UNAVAILABLE ? EXIT_UNREACHABLE : 1;
    }
    err.println("meso: " + failure.getMessage());
    return 1;
  }

  private static String rootMessage(ApiException e) {
    String m = e.getMessage();
    int colon = m.lastIndexOf(": ");
    return colon >= 0 ? m.substring(colon + 2) : m;
  }

  /** One run: everything asynchronous happens on the event loop; this thread only writes output. */
  private final class Run {
    private static final Runnable DONE = () -> { };

    private final Vertx vertx;
    private final List<SocketAddress> address;
    private final OneTaskScheduler.Spec task;
    private final PrintStream out;
    private final PrintStream err;
    private final BlockingQueue<Runnable> console = new LinkedBlockingQueue<>();
    private final GrpcOperatorClient operator;
    private final OneTaskScheduler scheduler;
    private final List<SandboxTail> tails = new ArrayList<>();
    private volatile String hostname;
    private volatile TaskState lastPrinted;
    private volatile boolean timedOut;
    private volatile boolean interrupted;
    private volatile String terminalLine;
    private boolean draining;

    Run(Vertx vertx, List<SocketAddress> address, io.meso.security.tls.ClientTls tls,
        io.meso.scheduler.ClientCredentials credentials, OneTaskScheduler.Spec task, PrintStream out, PrintStream err) {
      this.vertx = vertx;
      this.address = address;
      this.task = task;
      this.out = out;
      this.err = err;
      this.operator = new GrpcOperatorClient(vertx, address, tls).withCredentials(credentials);
      GrpcSchedulerClient schedulerClient = new GrpcSchedulerClient(vertx, address, tls).withCredentials(credentials);
      this.scheduler = new OneTaskScheduler(schedulerClient, vertx, task,
          new OneTaskScheduler.Listener() {
        @Override
        public void reconnecting(Throwable cause) {
          console.add(() -> err.println("meso: lost the master (" + cause.getMessage() + "); reconnecting"));
        }

        @Override
        public void reconnected() {
          console.add(() -> err.println("meso: reconnected to the master at "
              + MasterAddress.format(schedulerClient.server())));
        }

        @Override
        public void launched(Offer offer) {
          hostname = offer.getHostname();
          printStatus(TaskState.TASK_STAGING, "task " + task.taskId() + " STAGING");
          follow();
        }

        @Override
        public void update(TaskStatus status) {
          if (TaskStates.isTerminal(status.getState())) {
            // Printed once the rest of the output is drained, so it is the last line, as locally.
            terminalLine = statusLine(status, hostname);
          } else {
            printStatus(status.getState(), statusLine(status, hostname));
          }
        }
      });
    }

    int execute() {
      Promise<Integer> exitCode = Promise.promise();
      vertx.runOnContext(v -> start().onComplete(exitCode));
      Future<Integer> exit = exitCode.future();
      Thread hook = new Thread(() -> interrupt(exit), "meso-run-interrupt");
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        exit.onComplete(ar -> console.add(DONE));
        for (Runnable next = take(); next != DONE; next = take()) {
          next.run();
        }
        out.flush();
        if (exit.failed()) {
          return report(err, exit.cause(), MasterAddress.format(address));
        }
        return exit.result();
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
          // Already shutting down (Ctrl-C): the hook is running.
        }
      }
    }

    private Runnable take() {
      try {
        return console.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return DONE;
      }
    }

    /** Starts the run; the future completes with the exit code once output is drained and the framework is gone. */
    private Future<Integer> start() {
      if (timeout > 0) {
        vertx.setTimer(Math.max(1, (long) (timeout * 1000)), id -> {
          if (!scheduler.result().isComplete()) {
            timedOut = true;
            scheduler.kill();
          }
        });
      }
      vertx.setTimer(WAITING_HINT_MILLIS, id -> {
        if (!scheduler.launched() && !scheduler.result().isComplete()) {
          console.add(() -> err.println("waiting for an offer with cpus:" + number(task.cpus()) + " mem:" + number(task.mem())
              + (task.disk() > 0 ? " disk:" + number(task.disk()) : "") + " for role " + task.role()
              + "; no agent has that free yet"));
        }
      });
      return scheduler.run().transform(ar -> drainOutput()
          .andThen(v -> {
            String line = terminalLine;
            if (line != null) {
              console.add(() -> err.println(line));
            }
          })
          .transform(v -> scheduler.finish())
          .transform(v -> operator.close())
          .transform(v -> ar.succeeded() ? Future.succeededFuture(finalCode(ar.result())) : failure(ar.cause())));
    }

    private int finalCode(TaskStatus status) {
      if (timedOut) {
        console.add(() -> err.println("meso: timed out after " + number(timeout) + "s; the task was killed"));
        return EXIT_TIMEOUT;
      }
      return exitCode(status);
    }

    private Future<Integer> failure(Throwable cause) {
      if (interrupted) {
        return Future.succeededFuture(EXIT_INTERRUPTED);
      }
      if (timedOut) {
        console.add(() -> err.println("meso: no offer with cpus:" + number(task.cpus()) + " mem:" + number(task.mem())
            + " for role " + task.role() + " within " + number(timeout) + "s; free some resources or ask for less"));
        return Future.succeededFuture(EXIT_TIMEOUT);
      }
      return Future.failedFuture(cause);
    }

    /** Follows the task's stdout and stderr; called on the event loop once the launch is accepted. */
    private void follow() {
      synchronized (tails) {
        if (draining) {
          // The run ended before the launch was confirmed: its output is not followed any more.
          return;
        }
      }
      FrameworkID framework = scheduler.frameworkId();
      TaskID id = TaskID.newBuilder().setValue(task.taskId()).build();
      for (String file : List.of("stdout", "stderr")) {
        PrintStream sink = file.equals("stdout") ? out : err;
        SandboxTail tail = new SandboxTail(vertx, operator::readFile, framework, id, file,
            SandboxTail.DEFAULT_INTERVAL_MILLIS, bytes -> console.add(() -> {
              sink.write(bytes, 0, bytes.length);
              sink.flush();
            }));
        synchronized (tails) {
          tails.add(tail);
        }
        tail.start();
      }
    }

    private Future<Void> drainOutput() {
      List<Future<Void>> drained = new ArrayList<>();
      synchronized (tails) {
        draining = true;
        for (SandboxTail tail : tails) {
          drained.add(tail.finish());
        }
      }
      return Future.join(drained).mapEmpty();
    }

    private void printStatus(TaskState state, String line) {
      if (state == lastPrinted) {
        return;
      }
      lastPrinted = state;
      console.add(() -> err.println(line));
    }

    /** Ctrl-C: kill the task and wait (bounded) until it is gone and the framework torn down. */
    private void interrupt(Future<Integer> exit) {
      if (exit.isComplete()) {
        return;
      }
      interrupted = true;
      err.println("meso: interrupted; killing task " + task.taskId());
      scheduler.kill();
      try {
        exit.await(10, TimeUnit.SECONDS);
      } catch (TimeoutException | RuntimeException e) {
        // Exiting anyway; the master kills a failover-timeout-0 framework's tasks when it disconnects.
      }
    }
  }

  static String number(double value) {
    if (value == Math.rint(value) && Math.abs(value) < 1e15) {
      return Long.toString((long) value);
    }
    return String.format(Locale.ROOT, "%s", value);
  }
}
