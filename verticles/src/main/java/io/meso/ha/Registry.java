package io.meso.ha;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * <p>Sections in use: {@value #FRAMEWORKS} (framework id to {@link RegistryFramework}),
 * {@value #AGENTS} (agent id to AgentInfo with its status). Others (weights, quotas,
 * reservations, maintenance) can add their own section with the same calls.
 */
public final class Registry {

  public static final String FRAMEWORKS = "frameworks";
  public static final String AGENTS = "agents";
  static final String PREFIX = "meso.registry.";

  private final HazelcastInstance hazelcast;

  public Registry(HazelcastInstance hazelcast) {
    this.hazelcast = hazelcast;
  }

  /** A stored value and the token of the leader that wrote (or last claimed) it. */
  public record Fenced(long fence, byte[] value) implements Serializable {}

  private IMap<String, Fenced> map(String section) {
    if (section == null || !section.matches("[a-z][a-z0-9-]*")) {
      throw new IllegalArgumentException("registry section '" + section + "' is invalid; expected lower-case "
          + "letters, digits and '-', starting with a letter");
    }
    return hazelcast.getMap(PREFIX + section);
  }

  /** Stores {@code value} (null removes) under {@code key}; completes with false if a newer leader wrote it. */
  public CompletionStage<Boolean> put(long fence, String section, String key, byte[] value) {
    if (fence < 0) {
      throw new IllegalArgumentException("fence is " + fence + "; only a leader (fence >= 0) writes the registry");
    }
    return map(section).submitToKey(key, new FencedPut(fence, value));
  }

  public CompletionStage<Boolean> remove(long fence, String section, String key) {
    return put(fence, section, key, null);
  }

  /** Raises every entry of the section to {@code fence} and returns the section's contents (blocking: not on an event loop). */
  public Map<String, byte[]> claim(long fence, String section) {
    IMap<String, Fenced> map = map(section);
    Map<String, Boolean> results = map.executeOnEntries(new FencedPut(fence, null, true));
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (Map.Entry<String, Fenced> e : map.entrySet()) {
      if (Boolean.TRUE.equals(results.get(e.getKey())) || e.getValue().fence() <= fence) {
        out.put(e.getKey(), e.getValue().value());
      }
    }
    return out;
  }

  /** Reads a section as it is (blocking). */
  public Map<String, byte[]> read(String section) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    map(section).forEach((k, v) -> out.put(k, v.value()));
    return out;
  }

  /** Writes (or claims) an entry unless a higher token already wrote it; runs on the entry's partition. */
  static final class FencedPut implements EntryProcessor<String, Fenced, Boolean>, Serializable {
    private static final long serialVersionUID = 1L;
    private final long fence;
    private final byte[] value;
    private final boolean claimOnly;

    FencedPut(long fence, byte[] value) {
      this(fence, value, false);
    }

    FencedPut(long fence, byte[] value, boolean claimOnly) {
      this.fence = fence;
      this.value = value;
      this.claimOnly = claimOnly;
    }

    @Override
    public Boolean process(Map.Entry<String, Fenced> entry) {
      Fenced current = entry.getValue();
      if (current != null && current.fence() > fence) {
        return false;
      }
      if (claimOnly) {
        if (current != null) {
          entry.setValue(new Fenced(fence, current.value()));
        }
      } else if (value == null) {
        entry.setValue(null);
      } else {
        entry.setValue(new Fenced(fence, value));
      }
      return true;
    }
  }
}
