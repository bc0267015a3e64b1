package io.meso.bench;

import java.util.Locale;

/** What {@code meso bench} measures. */
public enum BenchMode {
  /** Many agents with simulated executors: tasks launched per second through master and allocator. */
  SIMULATED,
  /** One agent with real processes, beside a bare ProcessBuilder loop: process launches per second. */
  PROCESS,
  /**
   * Many agents with simulated executors and the services framework, driven only through its /v2
   * HTTP API: time to run an app's instances, then to restart them all (a rolling restart).
   */
  SERVICES;

  /** The mode named on the command line ({@code simulated}, {@code process} or {@code services}, any case). */
  public static BenchMode parse(String value) {
    for (BenchMode mode : values()) {
      if (mode.name().equalsIgnoreCase(value == null ? "" : value.trim())) {
        return mode;
      }
    }
    throw new IllegalArgumentException("--mode '" + value + "' is unknown; expected simulated, process or services");
  }

  /** The name used on the command line. */
  public String flag() {
    return name().toLowerCase(Locale.ROOT);
  }
}
