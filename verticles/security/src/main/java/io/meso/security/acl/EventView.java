package io.meso.security.acl;

import io.meso.proto.MasterEvent;

/**
 * Which of the master's events ({@code MasterEvent}, published for the operator SUBSCRIBE stream
 * and the web UI's {@code /ui/events}) one subscriber may see, by the same rules the master's
 * GET_STATE and GET_TASKS apply to its initial state: tasks need view_frameworks on their
 * framework's user and view_tasks on the task's user; frameworks view_frameworks on their user;
 * agents view_agents on their id or hostname. Stateless and thread-safe; with no ACL file every
 * event is shown.
 */
public final class EventView {

  private final Acls acls;
  private final String principal;

  /** {@code principal}: the subscriber's, as the gate authenticated it (null: authentication off). */
  public EventView(Acls acls, String principal) {
    this.acls = acls == null ? Acls.allowAll() : acls;
    this.principal = principal == null || principal.isEmpty() ? null : principal;
  }

  /** Whether the subscriber may see {@code event}; events of an unknown type are not shown under ACLs. */
  public boolean shows(MasterEvent event) {
    if (!acls.configured()) {
      return true;
    }
    return switch (event.getType()) {
      case TASK_ADDED, TASK_UPDATED -> allows(AclAction.VIEW_FRAMEWORKS, event.getFrameworkUser())
          && allows(AclAction.VIEW_TASKS, event.getTaskUser());
      case FRAMEWORK_ADDED, FRAMEWORK_UPDATED, FRAMEWORK_REMOVED ->
          allows(AclAction.VIEW_FRAMEWORKS, event.getFramework().getFrameworkInfo().getUser());
      case AGENT_ADDED -> allowsAgent(event.getAgent().getAgentInfo().getId().getValue(),
          event.getAgent().getAgentInfo().getHostname());
      case AGENT_REMOVED -> allowsAgent(event.getAgentId().getValue(), event.getAgentHostname());
      default -> false;
    };
  }

  private boolean allows(AclAction action, String object) {
    return acls.allows(principal, action, object == null || object.isEmpty() ? null : object);
  }

  private boolean allowsAgent(String id, String hostname) {
    return allows(AclAction.VIEW_AGENTS, id) || (!hostname.isEmpty() && allows(AclAction.VIEW_AGENTS, hostname));
  }
}
