package io.meso.master;

import io.meso.codecs.Addresses;
import io.meso.security.acl.AccessDenied;
import io.meso.security.acl.AclAction;
import io.meso.security.acl.Acls;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.TaskInfo;
import io.vertx.core.eventbus.Message;

/**
 * The master's side of the ACLs ({@link MasterOptions#getAcls}): who is asking (the principal a
 * door forwards in {@link Addresses#PRINCIPAL_HEADER}; absent when authentication is off) and the
 * objects of the master's calls (a framework's principal, a task's user, an agent's hostname or
 * id). A denial is a 403 {@link CallException} naming the principal, the action and the object.
 */
final class Authorization {

  private final Acls acls;

  Authorization(Acls acls) {
    this.acls = acls;
  }

  /** The authenticated principal of a call, or null (authentication off). */
  static String principal(Message<?> message) {
    String p = message.headers().get(Addresses.PRINCIPAL_HEADER);
    return p == null || p.isEmpty() ? null : p;
  }

  /** Whether {@code principal} may view every framework and every task (no need to check each). */
  boolean seesAllTasks(String principal) {
    return acls.allowsAll(principal, AclAction.VIEW_FRAMEWORKS) && acls.allowsAll(principal, AclAction.VIEW_TASKS);
  }

  boolean allows(String principal, AclAction action, String object) {
    return acls.allows(principal, action, object);
  }

  /** Throws a 403 naming principal, action and object unless allowed. */
  void check(String principal, AclAction action, String object) {
    try {
      acls.check(principal, action, object);
    } catch (AccessDenied e) {
      throw CallException.forbidden(e.getMessage());
    }
  }

  /** Agents are named by hostname or id in ACLs: either allowed is enough. */
  boolean allowsAgent(String principal, AclAction action, AgentRecord agent, String agentId) {
    return acls.allows(principal, action, agentId) || (agent != null && acls.allows(principal, action, agent.hostname()));
  }

  void checkAgent(String principal, AclAction action, AgentRecord agent, String agentId) {
    if (!allowsAgent(principal, action, agent, agentId)) {
      throw CallException.forbidden(AccessDenied.message(principal, action, agent == null ? agentId : agent.hostname())
          + (agent == null ? "" : " (agent id '" + agentId + "')"));
    }
  }

  /** The principal a framework registered with, or null. */
  static String principalOf(FrameworkInfo info) {
    return info.hasPrincipal() && !info.getPrincipal().isEmpty() ? info.getPrincipal() : null;
  }

  /** The OS user a task runs as: its command's user, else its framework's (as Mesos). */
  static String userOf(TaskInfo task, FrameworkInfo framework) {
    return io.meso.security.acl.TaskUser.of(task, framework);
  }
}
