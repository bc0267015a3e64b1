package io.meso.agent;

import io.meso.security.acl.AclAction;
import io.meso.security.acl.Acls;
import io.meso.security.acl.TaskUser;
import io.meso.v1.FrameworkInfo;

/**
 * What one caller of the agent's HTTP port may see, by the agent's ACLs, with the same objects as
 * the master's views (and Mesos's agent {@code /state}): a framework by {@code view_frameworks} on
 * its {@code user}; a task by {@code view_frameworks} on its framework and {@code view_tasks} on
 * the user it runs as ({@code command.user}, else the framework's). Without an ACL file everyone
 * sees everything. The principal is the one the gate authenticated (null: none).
 */
final class AgentVisibility {

  private final Acls acls;
  private final String principal;

  AgentVisibility(Acls acls, String principal) {
    this.acls = acls;
    this.principal = principal;
  }

  /** Whether the caller may see this framework. */
  boolean framework(FrameworkInfo framework) {
    return acls.allows(principal, AclAction.VIEW_FRAMEWORKS, framework == null ? null : framework.getUser());
  }

  /** Whether the caller may see this task (and its executor, sandbox path and usage). */
  boolean task(AgentTask task) {
    return framework(task.framework)
        && acls.allows(principal, AclAction.VIEW_TASKS, TaskUser.of(task.info, task.framework));
  }
}
