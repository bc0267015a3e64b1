package io.meso.security.acl;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ACLs of a master, read from a file in Mesos's JSON format
 * (http://mesos.apache.org/documentation/latest/authorization/):
 * <pre>
 * {"permissive": false,
 *  "register_frameworks": [{"principals": {"values": ["web"]}, "roles": {"values": ["web"]}}],
 *  "run_tasks": [{"principals": {"type": "ANY"}, "users": {"values": ["nobody"]}}]}
 * </pre>
 *
 * <p>Decisions follow Mesos's local authorizer: the action's rules are tried in order; a rule
 * applies when its principals and its objects both match ({@code ANY} and {@code NONE} match
 * everything, {@code values} match the listed names); an applying rule allows unless one of the
 * two is {@code NONE}. When no rule applies the file's {@code permissive} flag decides (default
 * false: a file given means default deny). A request without a principal (authentication off)
 * matches only {@code {"type": "ANY"}} principals. {@link #allowAll()} (no file) allows everything.
 *
 * <p>Immutable and thread-safe.
 */
public final class Acls {

  /** An entity of a rule: ANY, NONE or a list of names. */
  record Entity(Kind kind, Set<String> values) {

    enum Kind { ANY, NONE, SOME }

    boolean matches(String name, boolean subtrees) {
      if (kind != Kind.SOME) {
        return true;
      }
      if (name == null) {
        return false;
      }
      if (values.contains(name)) {
        return true;
      }
      if (subtrees) {
        for (String v : values) {
          if (v.endsWith("*") && name.startsWith(v.substring(0, v.length() - 1))) {
            return true;
          }
          if (v.endsWith("/") && (name.startsWith(v) || name.equals(v.substring(0, v.length() - 1)))) {
            return true;
          }
        }
      }
      return false;
    }
  }

  /** One rule of an action: these principals may (or, with NONE, may not) act on these objects. */
  record Rule(Entity principals, Entity objects) {}

  private static final Acls ALLOW_ALL = new Acls(true, new EnumMap<>(AclAction.class), false);

  private final boolean permissive;
  private final Map<AclAction, List<Rule>> rules;
  private final boolean configured;

  private Acls(boolean permissive, Map<AclAction, List<Rule>> rules, boolean configured) {
    this.permissive = permissive;
    this.rules = rules;
    this.configured = configured;
  }

  /** No ACL file: every principal may do everything. */
  public static Acls allowAll() {
    return ALLOW_ALL;
  }

  /** Whether an ACL file was given (else everything is allowed). */
  public boolean configured() {
    return configured;
  }

  /** Reads an ACL file; an unreadable or invalid one is an {@link AclException} naming the file and the problem. */
  public static Acls load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AclException("ACL file " + file + " cannot be read: " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  /** Parses ACLs in Mesos's JSON format; {@code source} names the file in messages. */
  public static Acls parse(String json, String source) {
    JsonObject root;
    try {
      root = new JsonObject(json);
    } catch (DecodeException | ClassCastException e) {
      throw new AclException("ACL file " + source + " is not a JSON object: " + e.getMessage());
    }
    boolean permissive = false;
    Map<AclAction, List<Rule>> rules = new EnumMap<>(AclAction.class);
    for (String key : root.fieldNames()) {
      Object value = root.getValue(key);
      if (key.equals("permissive")) {
        if (!(value instanceof Boolean b)) {
          throw new AclException("ACL file " + source + ": $.permissive is " + value + "; expected true or false");
        }
        permissive = b;
        continue;
      }
      AclAction action = AclAction.byName(key);
      if (action == null) {
        throw new AclException("ACL file " + source + ": $." + key + " is not an action; expected permissive or one "
            + "of " + AclAction.allowedNames());
      }
      if (!(value instanceof JsonArray array)) {
        throw new AclException("ACL file " + source + ": $." + key + " is " + value
            + "; expected an array of rules [{\"principals\": ..., \"" + action.objectField() + "\": ...}]");
      }
      if (rules.containsKey(action)) {
        throw new AclException("ACL file " + source + ": $." + key + " lists the rules of " + action.jsonName()
            + " a second time (under another of its names); give them once");
      }
      List<Rule> list = new ArrayList<>();
      rules.put(action, list);
      for (int i = 0; i < array.size(); i++) {
        list.add(rule(source, "$." + key + "[" + i + "]", action, array.getValue(i)));
      }
    }
    rules.replaceAll((a, l) -> List.copyOf(l));
    return new Acls(permissive, rules, true);
  }

  private static Rule rule(String source, String path, AclAction action, Object value) {
    if (!(value instanceof JsonObject rule)) {
      throw new AclException("ACL file " + source + ": " + path + " is " + value + "; expected a rule {\"principals\": "
          + "..., \"" + action.objectField() + "\": ...}");
    }
    for (String field : rule.fieldNames()) {
      if (!field.equals("principals") && !field.equals(action.objectField())) {
        throw new AclException("ACL file " + source + ": " + path + "." + field + " is not a field of a "
            + action.jsonName() + " rule; expected principals and " + action.objectField());
      }
    }
    return new Rule(entity(source, path + ".principals", rule.getValue("principals")),
        entity(source, path + "." + action.objectField(), rule.getValue(action.objectField())));
  }

  private static Entity entity(String source, String path, Object value) {
    String expected = "; expected {\"values\": [\"name\", ...]}, {\"type\": \"ANY\"} or {\"type\": \"NONE\"}";
    if (value == null) {
      throw new AclException("ACL file " + source + ": " + path + " is missing" + expected);
    }
    if (!(value instanceof JsonObject entity)) {
      throw new AclException("ACL file " + source + ": " + path + " is " + value + expected);
    }
    for (String field : entity.fieldNames()) {
      if (!field.equals("type") && !field.equals("values")) {
        throw new AclException("ACL file " + source + ": " + path + "." + field + " is not a field of an entity"
            + expected);
      }
    }
    Object type = entity.getValue("type");
    Object values = entity.getValue("values");
    if (type != null && !"SOME".equals(type)) {
      if (!"ANY".equals(type) && !"NONE".equals(type)) {
        throw new AclException("ACL file " + source + ": " + path + ".type is " + type + "; expected ANY, NONE or SOME");
      }
      if (values != null) {
        throw new AclException("ACL file " + source + ": " + path + " has both type " + type + " and values"
            + expected);
      }
      return new Entity("ANY".equals(type) ? Entity.Kind.ANY : Entity.Kind.NONE, Set.of());
    }
    if (!(values instanceof JsonArray array) || array.isEmpty()) {
      throw new AclException("ACL file " + source + ": " + path + ".values is " + (values == null ? "missing" : values)
          + "; expected a non-empty array of names (or type ANY / NONE)");
    }
    java.util.LinkedHashSet<String> names = new java.util.LinkedHashSet<>();
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String s) || s.isEmpty()) {
        throw new AclException("ACL file " + source + ": " + path + ".values[" + i + "] is " + array.getValue(i)
            + "; expected a non-empty string");
      }
      names.add(s);
    }
    return new Entity(Entity.Kind.SOME, Set.copyOf(names));
  }

  /**
   * Whether {@code principal} (null: not authenticated) may do {@code action} on {@code object}
   * (null: the object has no name, e.g. a framework without a principal; only ANY/NONE match it).
   */
  public boolean allows(String principal, AclAction action, String object) {
    if (!configured) {
      return true;
    }
    for (Rule rule : rules.getOrDefault(action, List.of())) {
      boolean principalMatches = principal == null
          ? rule.principals().kind() == Entity.Kind.ANY
          : rule.principals().matches(principal, false);
      if (principalMatches && rule.objects().matches(object, action.subtrees())) {
        return rule.principals().kind() != Entity.Kind.NONE && rule.objects().kind() != Entity.Kind.NONE;
      }
    }
    return permissive;
  }

  /**
   * Whether {@code principal} may do {@code action} on every object, whatever its name: what a
   * listing needs to know to skip checking each object. Conservative: a rule naming some objects
   * that applies to the principal before any rule for all objects answers false.
   */
  public boolean allowsAll(String principal, AclAction action) {
    if (!configured) {
      return true;
    }
    for (Rule rule : rules.getOrDefault(action, List.of())) {
      boolean principalMatches = principal == null
          ? rule.principals().kind() == Entity.Kind.ANY
          : rule.principals().matches(principal, false);
      if (!principalMatches) {
        continue;
      }
      if (rule.objects().kind() == Entity.Kind.SOME) {
        return false;
      }
      return rule.principals().kind() != Entity.Kind.NONE && rule.objects().kind() != Entity.Kind.NONE;
    }
    return permissive;
  }

  /** {@link #allows}, or an {@link AccessDenied} naming the principal, the action and the object. */
  public void check(String principal, AclAction action, String object) {
    if (!allows(principal, action, object)) {
      throw new AccessDenied(principal, action, object);
    }
  }

  @Override
  public String toString() {
    return configured ? "Acls{permissive=" + permissive + ", actions=" + rules.keySet() + "}" : "Acls{allow all}";
  }
}
