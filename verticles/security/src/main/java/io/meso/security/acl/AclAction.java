package io.meso.security.acl;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An action an ACL file lists rules for, with the name of the JSON field its rules use for the
 * object (Mesos's names; {@code update_quota} and {@code mark_agent_gone} are accepted for
 * {@link #UPDATE_QUOTAS} and {@link #MARK_AGENTS_GONE}, as older Mesos files spell them). The
 * last four are Meso's own, for the built-in services (/v2) and jobs (/v1/scheduler) frameworks;
 * their object values match a whole subtree when they end in {@code /} or {@code *}.
 */
public enum AclAction {
  REGISTER_FRAMEWORKS("register_frameworks", "roles", "role"),
  RUN_TASKS("run_tasks", "users", "user"),
  TEARDOWN_FRAMEWORKS("teardown_frameworks", "framework_principals", "framework principal"),
  KILL_TASKS("kill_tasks", "framework_principals", "framework principal"),
  RESERVE_RESOURCES("reserve_resources", "roles", "role"),
  UNRESERVE_RESOURCES("unreserve_resources", "reserver_principals", "reserver principal"),
  UPDATE_QUOTAS("update_quotas", "roles", "role", "update_quota"),
  UPDATE_WEIGHTS("update_weights", "roles", "role"),
  DRAIN_AGENTS("drain_agents", "agents", "agent"),
  MARK_AGENTS_GONE("mark_agents_gone", "agents", "agent", "mark_agent_gone"),
  VIEW_FRAMEWORKS("view_frameworks", "users", "user"),
  VIEW_TASKS("view_tasks", "users", "user"),
  VIEW_AGENTS("view_agents", "agents", "agent"),
  VIEW_ROLES("view_roles", "roles", "role"),
  ACCESS_SANDBOXES("access_sandboxes", "users", "user"),
  UPDATE_APPS("update_apps", "apps", "app"),
  VIEW_APPS("view_apps", "apps", "app"),
  UPDATE_JOBS("update_jobs", "jobs", "job"),
  VIEW_JOBS("view_jobs", "jobs", "job");

  private final String json;
  private final String objectField;
  private final String objectNoun;
  private final List<String> aliases;

  AclAction(String json, String objectField, String objectNoun, String... aliases) {
    this.json = json;
    this.objectField = objectField;
    this.objectNoun = objectNoun;
    this.aliases = List.of(aliases);
  }

  /** The action's name in an ACL file. */
  public String jsonName() {
    return json;
  }

  /** The JSON field of a rule that names its objects ({@code roles}, {@code users}, ...). */
  public String objectField() {
    return objectField;
  }

  /** What one object is, for messages ("role", "user", ...). */
  public String objectNoun() {
    return objectNoun;
  }

  /** Whether object values ending in {@code /} or {@code *} match every object they prefix (apps, jobs). */
  public boolean subtrees() {
    return this == UPDATE_APPS || this == VIEW_APPS || this == UPDATE_JOBS || this == VIEW_JOBS;
  }

  /** Every name an ACL file may use for an action (aliases included), to the action. */
  static final Map<String, AclAction> BY_NAME;

  static {
    Map<String, AclAction> byName = new TreeMap<>();
    for (AclAction a : values()) {
      byName.put(a.json, a);
      a.aliases.forEach(alias -> byName.put(alias, a));
    }
    BY_NAME = java.util.Collections.unmodifiableMap(byName);
  }

  /** The action called {@code name} in a file, or null. */
  public static AclAction byName(String name) {
    return BY_NAME.get(name);
  }

  /** The names a file may use, for a refusal. */
  static String allowedNames() {
    return String.join(", ", Arrays.stream(values()).map(AclAction::jsonName).toList())
        + " (also update_quota, mark_agent_gone)";
  }

  @Override
  public String toString() {
    return json;
  }
}
