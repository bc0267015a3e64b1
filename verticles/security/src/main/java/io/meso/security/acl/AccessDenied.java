package io.meso.security.acl;

/**
 * An ACL denial: {@code principal} (null when the request was not authenticated) may not do
 * {@code action} on {@code object}. The message names all three; no secret is in it.
 */
public final class AccessDenied extends RuntimeException {

  private final String principal;
  private final AclAction action;
  private final String object;

  public AccessDenied(String principal, AclAction action, String object) {
    super(message(principal, action, object), null, false, false);
    this.principal = principal;
    this.action = action;
    this.object = object;
  }

  public String principal() {
    return principal;
  }

  public AclAction action() {
    return action;
  }

  public String object() {
    return object;
  }

  /** "principal 'ops' is not authorized to run_tasks for user 'root'". */
  public static String message(String principal, AclAction action, String object) {
    return (principal == null ? "an unauthenticated request" : "principal '" + principal + "'")
        + " is not authorized to " + action.jsonName() + " for " + action.objectNoun() + " "
        + (object == null ? "(none)" : "'" + object + "'") + " (ACL)";
  }
}
