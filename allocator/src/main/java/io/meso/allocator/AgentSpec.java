package io.meso.allocator;

import java.util.Map;

/** What the allocator needs to know about an agent: hostname, total resources, attributes. */
public record AgentSpec(String hostname, Resources total, Map<String, String> attributes) {
  public AgentSpec {
    attributes = Map.copyOf(attributes);
  }
}
