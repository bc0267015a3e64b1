package io.meso.executor;

import io.meso.executor.isolation.HostSupport;
import io.meso.executor.isolation.IsolatorName;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;

/**
 * How an agent isolates its tasks, as {@code --isolation} names it: {@code auto} (the default:
 * everything this host supports), or a comma-separated list of isolators
 * ({@link IsolatorName}: {@code cgroups/cpu}, {@code cgroups/mem}, {@code cgroups/pids},
 * {@code namespaces/pid}, {@code filesystem/cgroup-ro}, {@code disk/du}, {@code network/ports},
 * {@code posix/mem}) and the shorthands {@code cgroups} (cgroups/cpu, cgroups/mem, and
 * cgroups/pids where the pids controller is there) and {@code posix} (posix/mem). Every mode runs
 * each task in its own session (and so its own process group), which is how its whole process
 * tree is found and killed.
 *
 * <p>{@code auto} takes cgroups/cpu, cgroups/mem and cgroups/pids where their controllers are
 * writable (v1 or v2), posix/mem where there is no memory controller, namespaces/pid and
 * filesystem/cgroup-ro where namespaces can be made (root, util-linux), and always disk/du and
 * network/ports. An isolator named explicitly that the host cannot have is an error at start,
 * naming it and why. A value, immutable; compared by its words.
 */
public final class Isolation {

  public static final String AUTO_WORD = "auto";
  public static final String CGROUPS_WORD = "cgroups";
  public static final String POSIX_WORD = "posix";

  /** Everything the host supports. */
  public static final Isolation AUTO = parse(AUTO_WORD);
  /** cgroups/cpu, cgroups/mem and (where available) cgroups/pids. */
  public static final Isolation CGROUPS = parse(CGROUPS_WORD);
  /** posix/mem: no cgroups, memory enforced by polling. */
  public static final Isolation POSIX = parse(POSIX_WORD);

  private final List<String> words;

  private Isolation(List<String> words) {
    this.words = List.copyOf(words);
  }

  /**
   * Parses an {@code --isolation} value (case-insensitive, spaces around commas allowed,
   * repeats ignored). Throws IllegalArgumentException naming the value, the word that is wrong
   * and what is allowed.
   */
  public static Isolation parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("isolation must not be empty; allowed: " + allowed());
    }
    Set<String> words = new LinkedHashSet<>();
    for (String raw : text.split(",")) {
      String word = raw.trim().toLowerCase(Locale.ROOT);
      if (word.isEmpty()) {
        throw new IllegalArgumentException("isolation '" + text + "' has an empty entry; allowed: " + allowed());
      }
      if (!word.equals(AUTO_WORD) && !word.equals(CGROUPS_WORD) && !word.equals(POSIX_WORD)
          && IsolatorName.of(word) == null) {
        throw new IllegalArgumentException("isolation '" + text + "': '" + raw.trim() + "' is not an isolator; allowed: "
            + allowed());
      }
      words.add(word);
    }
    if (words.contains(AUTO_WORD) && words.size() > 1) {
      throw new IllegalArgumentException("isolation '" + text + "': 'auto' stands alone (it means everything this "
          + "host supports); name the isolators instead");
    }
    Set<IsolatorName> named = expandWithoutHost(words);
    if (named.contains(IsolatorName.CGROUPS_MEM) && named.contains(IsolatorName.POSIX_MEM)) {
      throw new IllegalArgumentException("isolation '" + text + "': cgroups/mem and posix/mem both limit memory; "
          + "choose one");
    }
    return new Isolation(new ArrayList<>(words));
  }

  /** For JSON options written by older versions ("AUTO", "CGROUPS", "POSIX"): the same as {@link #parse}. */
  public static Isolation valueOf(String text) {
    return parse(text);
  }

  /** Exactly these isolators. */
  public static Isolation of(Collection<IsolatorName> names) {
    List<String> words = new ArrayList<>();
    for (IsolatorName n : EnumSet.copyOf(names)) {
      words.add(n.text());
    }
    if (words.isEmpty()) {
      throw new IllegalArgumentException("isolation must name at least one isolator; allowed: " + allowed());
    }
    return new Isolation(words);
  }

  /** What {@code --isolation} accepts, for messages and help. */
  public static String allowed() {
    StringJoiner j = new StringJoiner(", ");
    j.add(AUTO_WORD).add(CGROUPS_WORD).add(POSIX_WORD);
    for (IsolatorName n : IsolatorName.values()) {
      j.add(n.text());
    }
    return j + " (a comma-separated list)";
  }

  /** The canonical text: the words as given (lower case, repeats dropped), joined by commas. */
  public String name() {
    return String.join(",", words);
  }

  public boolean isAuto() {
    return words.contains(AUTO_WORD);
  }

  /**
   * The isolators this means on a host. Throws IllegalArgumentException when one named
   * explicitly (or through {@code cgroups}) cannot be had there, saying why.
   */
  public Set<IsolatorName> isolators(HostSupport host) {
    Set<IsolatorName> chosen = EnumSet.noneOf(IsolatorName.class);
    for (String word : words) {
      switch (word) {
        case AUTO_WORD -> chosen.addAll(auto(host));
        case CGROUPS_WORD -> {
          require(host, IsolatorName.CGROUPS_CPU, chosen);
          require(host, IsolatorName.CGROUPS_MEM, chosen);
          if (host.supports(IsolatorName.CGROUPS_PIDS)) {
            chosen.add(IsolatorName.CGROUPS_PIDS);
          }
        }
        case POSIX_WORD -> chosen.add(IsolatorName.POSIX_MEM);
        default -> require(host, IsolatorName.of(word), chosen);
      }
    }
    return chosen;
  }

  /** The isolators {@code auto} takes on this host, each one the host supports. */
  public static Set<IsolatorName> auto(HostSupport host) {
    Set<IsolatorName> chosen = EnumSet.noneOf(IsolatorName.class);
    for (IsolatorName n : List.of(IsolatorName.CGROUPS_CPU, IsolatorName.CGROUPS_MEM, IsolatorName.CGROUPS_PIDS,
        IsolatorName.NAMESPACES_PID, IsolatorName.DISK_DU, IsolatorName.NETWORK_PORTS)) {
      if (host.supports(n)) {
        chosen.add(n);
      }
    }
    if (!chosen.contains(IsolatorName.CGROUPS_MEM)) {
      chosen.add(IsolatorName.POSIX_MEM);
    }
    // A read-only cgroup view guards cgroup limits: without any, it would only cost launches.
    boolean cgroups = chosen.contains(IsolatorName.CGROUPS_CPU) || chosen.contains(IsolatorName.CGROUPS_MEM)
        || chosen.contains(IsolatorName.CGROUPS_PIDS);
    if (cgroups && host.supports(IsolatorName.FILESYSTEM_CGROUP_RO)) {
      chosen.add(IsolatorName.FILESYSTEM_CGROUP_RO);
    }
    return chosen;
  }

  /** The concrete isolation on this host (never auto), probing it (see {@link HostSupport#probe}). */
  public Isolation resolve(Path cgroupBase) {
    return of(isolators(HostSupport.probe(cgroupBase)));
  }

  private static void require(HostSupport host, IsolatorName name, Set<IsolatorName> chosen) {
    String why = host.whyNot(name);
    if (why != null) {
      throw new IllegalArgumentException("isolator " + name.text() + " is not available on this host: " + why);
    }
    chosen.add(name);
  }

  /** What the words name regardless of the host (for the conflict check): cgroups counts as cgroups/mem. */
  private static Set<IsolatorName> expandWithoutHost(Set<String> words) {
    Set<IsolatorName> named = EnumSet.noneOf(IsolatorName.class);
    for (String word : words) {
      switch (word) {
        case AUTO_WORD -> { }
        case CGROUPS_WORD -> named.addAll(List.of(IsolatorName.CGROUPS_CPU, IsolatorName.CGROUPS_MEM));
        case POSIX_WORD -> named.add(IsolatorName.POSIX_MEM);
        default -> named.add(IsolatorName.of(word));
      }
    }
    return named;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Isolation other && other.words.equals(words);
  }

  @Override
  public int hashCode() {
    return words.hashCode();
  }

  @Override
  public String toString() {
    return name();
  }
}
