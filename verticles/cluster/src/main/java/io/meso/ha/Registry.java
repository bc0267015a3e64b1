package io.meso.ha;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import io.meso.security.cluster.RegistrySeal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The masters' replicated registry: named sections (IMaps {@code meso.registry.<section>}, two
 * synchronous backups, so every master holds a copy) of keyed byte values (usually serialized
 * protobufs). Every write carries the writer's fencing token from {@link LeaderElection}:
 * an entry remembers the highest token that wrote it, and a write with a lower token is refused
 * (the future completes with false), so a deposed leader cannot overwrite what a newer leader
 * wrote. A new leader {@link #claim claims} every section when it loads it, which raises all
 * entries to its token. Running tasks are never stored here: they are re-learned from agents.
 *
 * <p>A deposed leader cannot insert new keys either, in two layers. (1) Every write first reads
 * the token the election published ({@link LeaderElection#LEADER_MAP}, one map read) and is
 * refused, without writing, when a newer leader was elected; the entry processor re-checks that
 * token. (2) What is left is a race: a deposed leader read the old token just before the new
 * leader published its own, and its insert lands after the new leader claimed the section. Such
 * an entry still carries the deposed token, lower than the new leader's: the claiming leader
 * does not load it (it loads only what its claim raised), and every section remembers the token
 * of the last leader that finished claiming it ({@value #CLAIMED_MAP}), below which the next
 * claim deletes entries instead of raising them, so they are never loaded by anyone.
 *
 * <p>Sections in use: {@value #FRAMEWORKS} (framework id to FrameworkInfo and subscription address, see the master's RegistryEntries),
 * {@value #AGENTS} (agent id to AgentInfo with its status), {@value #ROLES} (role weights and
 * quotas, one key each),
 * {@value #MAINTENANCE} (agent id of every draining agent), {@value #GONE} (agent id of every
 * agent an operator marked gone, to when) and "reservations". Frameworks that run with the
 * leading master (the built-in services and jobs frameworks) keep their own sections, named
 * after them, under the same fence.
 *
 * <p>With a cluster secret ({@code --cluster-secret-file}; {@code MesoCluster} puts its {@link
 * RegistrySeal} in the Hazelcast instance's user context under {@link #SEAL_CONTEXT_KEY}), every
 * value is written with its seal (an HMAC over section, key, the writer's token and the value),
 * and every value read or claimed is verified. Open-source Hazelcast lets any member that joins
 * write these maps: a value whose seal does not verify is a forgery (or a value written without
 * the secret) and is skipped with an ERROR naming its section and key, so a new leader never
 * adopts a forged agent, framework or app. It is skipped rather than made a reason to refuse
 * leadership: a stranger who can write one bad value could otherwise keep every master from
 * leading. A claim raises an entry's token but keeps the token it was sealed with (the claim runs
 * on whichever member owns the partition, which must not need the secret).
 */
public final class Registry {

  public static final String FRAMEWORKS = "frameworks";
  public static final String AGENTS = "agents";
  /** Role weights and quotas (one key each, the whole table: an operator call is one write). */
  public static final String ROLES = "roles";
  /** Agents draining for maintenance (agent id to a DrainAgentRequest). */
  public static final String MAINTENANCE = "maintenance";
  /** Agents an operator marked gone (agent id to a TimeInfo: when it was marked); never admitted again. */
  public static final String GONE = "gone";
  static final String PREFIX = "meso.registry.";
  /** Per section: the token of the last leader that finished claiming it. */
  static final String CLAIMED_MAP = PREFIX + "claimed";

  /** Where {@code MesoCluster} puts the {@link RegistrySeal} of a member started with a cluster secret. */
  public static final String SEAL_CONTEXT_KEY = "meso.registry-seal";
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Registry.class);

  private final HazelcastInstance hazelcast;
  /** Seals what is written and verifies what is read; null without a cluster secret. */
  private final RegistrySeal seal;

  /** A registry on this member, sealed when the member was started with a cluster secret. */
  public Registry(HazelcastInstance hazelcast) {
    this(hazelcast, hazelcast != null && hazelcast.getUserContext().get(SEAL_CONTEXT_KEY) instanceof RegistrySeal s
        ? s : null);
  }

  /** A registry whose values are sealed with {@code seal} (null: not sealed). */
  public Registry(HazelcastInstance hazelcast, RegistrySeal seal) {
    this.hazelcast = hazelcast;
    this.seal = seal;
  }

  /** Whether values are sealed and verified (a cluster secret is configured). */
  public boolean sealed() {
    return seal != null;
  }

  /**
   * A stored value, the token of the leader that wrote (or last claimed) it, and, with a cluster
   * secret, the token it was written with and its seal (serialized by {@link RegistrySerializers}).
   */
  public record Fenced(long fence, byte[] value, long sealedAt, byte[] seal) {
    public Fenced(long fence, byte[] value) {
      this(fence, value, fence, null);
    }

    /** The same value, seal and sealing token at another current token. */
    public Fenced withFence(long newFence) {
      return new Fenced(newFence, value, sealedAt, seal);
    }
  }

  private IMap<String, Fenced> map(String section) {
    checkSection(section);
    return hazelcast.getMap(PREFIX + section);
  }

  private static void checkSection(String section) {
    if (section == null || !section.matches("[a-z][a-z0-9-]*")) {
      throw new IllegalArgumentException("registry section '" + section + "' is invalid; expected lower-case "
          + "letters, digits and '-', starting with a letter");
    }
    if (RESERVED.contains(section)) {
      throw new IllegalArgumentException("registry section '" + section + "' is reserved (the election and the "
          + "registry keep their own records under " + RESERVED + "); choose another name");
    }
  }

  /** Map names under {@value #PREFIX} that are not sections. */
  private static final java.util.Set<String> RESERVED = java.util.Set.of("leader", "terms", "claimed");

  /**
   * Stores {@code value} (null removes) under {@code key}; completes with false, writing nothing,
   * if a newer leader was elected or wrote the entry.
   */
  public CompletionStage<Boolean> put(long fence, String section, String key, byte[] value) {
    if (fence < 0) {
      throw new IllegalArgumentException("fence is " + fence + "; only a leader (fence >= 0) writes the registry");
    }
    if (key == null || key.isEmpty()) {
      throw new IllegalArgumentException("registry key is empty; expected an id");
    }
    IMap<String, Fenced> map = map(section);
    IMap<String, LeaderElection.LeaderRecord> leader = hazelcast.getMap(LeaderElection.LEADER_MAP);
    return leader.getAsync(LeaderElection.LEADER_KEY).thenCompose(published -> {
      long newest = published == null ? -1 : published.fence();
      if (newest > fence) {
        return CompletableFuture.completedFuture(false);
      }
      byte[] mac = seal == null || value == null ? null : seal.seal(section, key, fence, value);
      return map.submitToKey(key, new FencedPut(fence, value, false, newest, mac)).thenApply(Boolean.TRUE::equals);
    });
  }

  public CompletionStage<Boolean> remove(long fence, String section, String key) {
    return put(fence, section, key, null);
  }

  /**
   * Raises every entry of the section to {@code fence} and returns what it raised (blocking: not
   * on an event loop), in one pass over the partitions: the entry processor hands back each value
   * it raised. Entries below the token of the last leader that finished claiming the section were
   * inserted by a deposed leader after that claim: they are deleted, not returned.
   */
  public Map<String, byte[]> claim(long fence, String section) {
    IMap<String, Fenced> map = map(section);
    IMap<String, Long> claimed = hazelcast.getMap(CLAIMED_MAP);
    Long floor = claimed.get(section);
    Map<String, Object> results = map.executeOnEntries(new FencedPut(fence, null, true, floor == null ? -1 : floor));
    Map<String, byte[]> out = new java.util.TreeMap<>();
    results.forEach((key, value) -> {
      if (value instanceof Fenced raised && authentic(section, key, raised)) {
        out.put(key, raised.value());
      }
    });
    // Not waited for: the new leader serves as soon as it has the entries. The floor only
    // matters to the next leader's claim, and this write lands well before any successor could
    // be elected; if this leader dies first, the floor stays at the previous leader's token, as
    // it would if it had died a moment earlier.
    claimed.submitToKey(section, new RaiseTo(fence)).whenComplete((raised, err) -> {
      if (err != null) {
        org.slf4j.LoggerFactory.getLogger(Registry.class).warn("could not record the claim of registry section {} "
            + "at token {}: {}", section, fence, err.toString());
      }
    });
    return new LinkedHashMap<>(out);
  }

  /** Reads a section as it is (blocking). */
  public Map<String, byte[]> read(String section) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    map(section).forEach((k, v) -> {
      if (authentic(section, k, v)) {
        out.put(k, v.value());
      }
    });
    return out;
  }

  /** Whether a stored value may be used: always without a secret; with one, when its seal verifies. */
  private boolean authentic(String section, String key, Fenced stored) {
    if (seal == null) {
      return true;
    }
    if (stored.sealedAt() <= stored.fence()
        && seal.verifies(section, key, stored.sealedAt(), stored.value(), stored.seal())) {
      return true;
    }
    LOG.error("refusing a forged registry value section={} key={} token={}: its seal does not verify under this "
        + "cluster's secret (written by a member without the secret, or by one with another secret); skipped",
        section, key, stored.fence());
    return false;
  }

  /**
   * Writes (or claims) an entry unless a higher token already wrote it or was published as the
   * leader's; runs on the entry's partition.
   */
  static final class FencedPut implements EntryProcessor<String, Fenced, Object> {
    private static final long serialVersionUID = 3L;
    final long fence;
    final byte[] value;
    final boolean claimOnly;
    /** Writes: the newest published leader token; claims: the last finished claim's token. */
    final long floor;
    /** The seal of {@link #value} (writes with a cluster secret), else null. */
    final byte[] seal;

    FencedPut(long fence, byte[] value) {
      this(fence, value, false, -1, null);
    }

    FencedPut(long fence, byte[] value, boolean claimOnly, long floor) {
      this(fence, value, claimOnly, floor, null);
    }

    FencedPut(long fence, byte[] value, boolean claimOnly, long floor, byte[] seal) {
      this.fence = fence;
      this.value = value;
      this.claimOnly = claimOnly;
      this.floor = floor;
      this.seal = seal;
    }

    /**
     * Writes: TRUE if written, FALSE if refused. Claims: the entry as it was before being raised
     * to this token (its value, with the token and seal to verify it by), or null
     * if the entry was not claimed (a newer leader's, or a deposed leader's late insert, deleted).
     */
    @Override
    public Object process(Map.Entry<String, Fenced> entry) {
      Fenced current = entry.getValue();
      if (current != null && current.fence() > fence) {
        return claimOnly ? null : Boolean.FALSE;
      }
      if (claimOnly) {
        if (current == null) {
          return null;
        }
        if (current.fence() < floor) {
          // Inserted by a deposed leader after the last claim: nobody ever loaded it.
          entry.setValue(null);
          return null;
        }
        entry.setValue(new Fenced(fence, current.value(), current.sealedAt(), current.seal()));
        return current;
      }
      if (floor > fence) {
        return Boolean.FALSE;
      }
      entry.setValue(value == null ? null : new Fenced(fence, value, fence, seal));
      return Boolean.TRUE;
    }
  }

  /** Raises a stored token to at least the given one. */
  static final class RaiseTo implements EntryProcessor<String, Long, Long> {
    private static final long serialVersionUID = 1L;
    final long fence;

    RaiseTo(long fence) {
      this.fence = fence;
    }

    @Override
    public Long process(Map.Entry<String, Long> entry) {
      long current = entry.getValue() == null ? -1 : entry.getValue();
      long next = Math.max(current, fence);
      entry.setValue(next);
      return next;
    }
  }
}
