package io.meso.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The plain-text report of a benchmark run: one {@code label: figures} line per measure. */
public final class BenchReport {

  private BenchReport() {}

  /** The lines for a simulated run. */
  public static List<String> simulated(LaunchResult result, String loadBefore) {
    List<String> lines = header(result, loadBefore);
    LaunchStats s = result.stats();
    if (s != null) {
      lines.add(line("launch rate", String.format(Locale.ROOT, "%.0f tasks/s (first offer to TASK_RUNNING #%d in %.3f s)",
          s.runningPerSecond(), s.running(), s.secondsToLastRunning())));
      lines.add(latency(s));
      lines.add(offers(s));
    }
    footer(result, lines);
    return lines;
  }

  /** The lines for a process run: the agent's rate beside the raw loops' before and after it. */
  public static List<String> process(ProcessBench.Result run, String loadBefore) {
    LaunchResult result = run.agent();
    List<String> lines = header(result, loadBefore);
    LaunchStats s = result.stats();
    double bare = run.barePerSecond();
    double like = run.executorLikePerSecond();
    if (s != null) {
      lines.add(line("agent launches", String.format(Locale.ROOT,
          "%.0f processes/s (first offer to terminal update #%d in %.3f s)", s.endedPerSecond(),
          s.finished() + s.failed(), s.secondsToLastEnded())));
    }
    lines.add(line("raw spawns", String.format(Locale.ROOT,
        "%.0f processes/s (%d threads, each spawns %s with output to files and waits: %.0f/s before, %.0f/s after)",
        bare, run.bareBefore().threads(), BenchOptions.PROCESS_COMMAND, run.bareBefore().perSecond(),
        run.bareAfter().perSecond()) + failures(run.bareBefore(), run.bareAfter())));
    lines.add(line("executor-like", String.format(Locale.ROOT,
        "%.0f processes/s (same, plus a sandbox dir per task, setsid and a cleared environment: %.0f/s before, "
            + "%.0f/s after)", like, run.likeBefore().perSecond(), run.likeAfter().perSecond())
        + failures(run.likeBefore(), run.likeAfter())));
    if (s != null) {
      lines.add(line("agent / raw", String.format(Locale.ROOT, "%.2f (agent / executor-like %.2f)",
          bare <= 0 ? 0 : s.endedPerSecond() / bare, like <= 0 ? 0 : s.endedPerSecond() / like)));
      lines.add(latency(s));
      lines.add(offers(s));
    }
    footer(result, lines);
    return lines;
  }

  /**
   * The lines for a services run: per phase, when it was done by the polls, what the event stream
   * told (its times, launches, kills, the fewest running and most live tasks at once) and the
   * master's offers; then the wall times and the outcome.
   */
  public static List<String> services(ServicesResult result, String loadBefore) {
    List<String> lines = new ArrayList<>();
    int n = result.options().getInstances();
    lines.add("meso bench " + result.options().describe());
    lines.add(line("machine", Runtime.getRuntime().availableProcessors() + " cpus, load average " + loadBefore
        + " before, " + loadAverage() + " after"));
    for (ServicesPhase p : result.phases()) {
      boolean deploy = p.name().equals("deploy");
      String request = deploy ? "POST /v2/apps" : "POST /v2/apps" + ServicesBench.APP_ID + "/restart";
      String polled = p.done()
          ? String.format(Locale.ROOT, "done after %.3f s: deployment gone, %d of %d instances running version %s",
              sec(p.doneNanos()), p.onVersion(), n, p.version())
          : p.polls() == 0 ? "NOT done: no poll before the time was up"
          : String.format(Locale.ROOT, "NOT done: at the last poll %d of %d instances running%s", p.tasksRunning(), n,
              p.onVersion() >= 0 ? " (" + p.onVersion() + " on version " + p.version() + ")" : "");
      lines.add(line(p.name(), polled + String.format(Locale.ROOT,
          " (%s answered in %.1f ms%s; %d polls, every %d ms, the slowest answered in %.1f ms)", request,
          p.answerNanos() / 1e6,
          p.allRunningNanos() >= 0 ? String.format(Locale.ROOT, "; all running by %.3f s", sec(p.allRunningNanos())) : "",
          p.polls(), ServicesBench.POLL_INTERVAL_MILLIS, p.slowestPollNanos() / 1e6)));
      ServicesPhase.Events e = p.events();
      if (e != null) {
        lines.add(line(p.name() + " events", String.format(Locale.ROOT,
            "TASK_RUNNING #%d of the version at %s, deployment_success at %s; %d launched, %d old ended, %d failed; "
                + "at once: fewest running %d, most live %d; %d status events",
            n, secOrNever(e.lastRunningNanos()), secOrNever(e.successNanos()), e.launched(), e.oldEnded(), e.failed(),
            e.minRunning(), e.maxLive(), e.statusEvents())));
      }
      ServicesPhase.Offers o = p.offers();
      lines.add(line(p.name() + " offers", (o == null ? "unknown (/metrics/snapshot did not answer)"
          : String.format(Locale.ROOT, "%d made, %d used, %d declined, %d rescinded; %d tasks launched; "
              + "%d allocation runs", o.made(), o.used(), o.declined(), o.rescinded(), o.tasksLaunched(),
              o.allocationRuns()))
          + String.format(Locale.ROOT, "; jvm cpu %.2f s", p.cpuNanos() / 1e9)));
    }
    if (result.eventsProblem() != null) {
      lines.add(line("events", "incomplete: " + result.eventsProblem()));
    }
    lines.add(line("wall time", String.format(Locale.ROOT,
        "%.2f s start-up (%d %s registered, framework subscribed), %.2f s phases, %.2f s total",
        sec(result.setupNanos()), result.options().getAgents(), result.options().getAgents() == 1 ? "agent" : "agents",
        sec(result.runNanos()), sec(result.totalNanos()))));
    lines.add(line("result", result.succeeded() ? "OK"
        : (result.timedOut() ? "TIMED OUT: " : "FAILED: ") + result.failure()));
    return lines;
  }

  private static double sec(long nanos) {
    return nanos / 1e9;
  }

  private static String secOrNever(long nanos) {
    return nanos < 0 ? "never" : String.format(Locale.ROOT, "%.3f s", sec(nanos));
  }

  private static String failures(RawSpawnBench.Result before, RawSpawnBench.Result after) {
    int failed = before.failures() + after.failures();
    return failed == 0 ? "" : "; " + failed + " spawns failed";
  }

  /** The 1, 5 and 15 minute load averages from /proc/loadavg, or "unknown". */
  public static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static List<String> header(LaunchResult result, String loadBefore) {
    List<String> lines = new ArrayList<>();
    lines.add("meso bench " + result.options().describe());
    lines.add(line("machine", Runtime.getRuntime().availableProcessors() + " cpus, load average " + loadBefore
        + " before, " + loadAverage() + " after"));
    LaunchStats s = result.stats();
    if (s != null) {
      lines.add(line("tasks", s.launched() + " launched, " + s.running() + " running, " + s.finished() + " finished, "
          + s.failed() + " failed, of " + s.tasks()));
    }
    return lines;
  }

  private static String latency(LaunchStats s) {
    return line("launch latency", String.format(Locale.ROOT,
        "p50 %.1f ms, p99 %.1f ms, max %.1f ms (offer received to that task's TASK_RUNNING)",
        ms(s.latencyPercentileNanos(50)), ms(s.latencyPercentileNanos(99)), ms(s.latencyPercentileNanos(100))));
  }

  private static String offers(LaunchStats s) {
    return line("offers", s.offersReceived() + " received, " + s.acceptCalls() + " accepted, " + s.offersDeclined()
        + " declined");
  }

  private static void footer(LaunchResult result, List<String> lines) {
    LaunchStats s = result.stats();
    if (s != null) {
      lines.add(line("updates", String.format(Locale.ROOT, "%d received (%d resent copies), all acknowledged%s",
          s.updates(), s.duplicateUpdates(), s.ackFailures() > 0 ? " but " + s.ackFailures() + " failed" : "")));
    }
    lines.add(line("jvm cpu", String.format(Locale.ROOT, "%.2f s during the run: %.2f of %d cores busy%s",
        result.runCpuNanos() / 1e9, result.runCores(), Runtime.getRuntime().availableProcessors(),
        s == null || result.runCpuNanos() <= 0 ? ""
            : String.format(Locale.ROOT, ", %.0f tasks per cpu-second", s.finished() / (result.runCpuNanos() / 1e9)))));
    lines.add(line("allocation runs", String.format(Locale.ROOT, "%d while the framework ran, mean %.3f ms, max %.3f ms",
        result.allocationRuns(), result.allocationMeanNanos() / 1e6, result.allocationMaxNanos() / 1e6)));
    lines.add(line("wall time", String.format(Locale.ROOT,
        "%.2f s start-up (%d %s registered), %.2f s run, %.2f s total", result.setupNanos() / 1e9,
        result.options().getAgents(), result.options().getAgents() == 1 ? "agent" : "agents", result.runNanos() / 1e9, result.totalNanos() / 1e9)));
    lines.add(line("result", result.succeeded() ? "OK" : (result.timedOut() ? "TIMED OUT: " : "FAILED: ")
        + result.failure()));
  }

  private static double ms(long nanos) {
    return nanos < 0 ? 0 : nanos / 1e6;
  }

  private static String line(String label, String value) {
    return String.format(Locale.ROOT, "%-16s %s", label + ":", value);
  }
}
