package io.meso.bench;

import java.util.List;

/**
 * One run of the services benchmark: its phases (deploy, then restart; fewer if one failed or timed
 * out), why it stopped early ({@code failure}, null when every phase finished in time), why the
 * event figures are incomplete ({@code eventsProblem}, null when they are not), and wall times in
 * nanoseconds: start-up (Vert.x, master, agents registered, framework subscribed), the phases,
 * and the total including shut-down.
 */
public record ServicesResult(
    BenchOptions options,
    List<ServicesPhase> phases,
    String failure,
    boolean timedOut,
    String eventsProblem,
    long setupNanos,
    long runNanos,
    long totalNanos) {

  /** The phase names, in the order they run. */
  public static final List<String> PHASES = List.of("deploy", "restart");

  /** Every phase finished in time. */
  public boolean succeeded() {
    return failure == null && phases.size() == PHASES.size() && phases.stream().allMatch(ServicesPhase::done);
  }
}
