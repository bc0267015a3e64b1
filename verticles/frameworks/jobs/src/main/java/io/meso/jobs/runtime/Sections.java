package io.meso.jobs.runtime;

/**
 * The registry sections the jobs framework keeps its state in, each written only with the
 * fencing token of the leader it runs beside (see {@link io.meso.ha.Registry}).
 */
public final class Sections {
  /** Job name to {@link StateJson#job(StoredJob)}: the definitions, counters and cursors. */
  public static final String DEFS = "jobs-defs";
  /** {@link Claim#key()} to {@link StateJson#claim(Claim)}: every run from due to its end. */
  public static final String CLAIMS = "jobs-claims";
  /** Job name to its bounded run history ({@link StateJson#runs(java.util.List)}). */
  public static final String RUNS = "jobs-runs";
  /** {@code <parent>/<child>} to the parent's completions since the child last started (absent: 0). */
  public static final String EDGES = "jobs-edges";
  /** {@value #FRAMEWORK_ID_KEY} to the framework id, so a new leader fails the framework over. */
  public static final String FRAMEWORK = "jobs-framework";
  public static final String FRAMEWORK_ID_KEY = "id";

  /** Every section, in the order a new leader loads them. */
  public static final java.util.List<String> ALL = java.util.List.of(DEFS, CLAIMS, RUNS, EDGES, FRAMEWORK);

  private Sections() {}

  /** The key of the edge parent → child (job names never contain '/'). */
  public static String edgeKey(String parent, String child) {
    return parent + "/" + child;
  }
}
