package io.meso.security.acl;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.proto.AgentSummary;
import io.meso.proto.FrameworkSummary;
import io.meso.proto.MasterEvent;
import io.meso.v1.AgentID;
import io.meso.v1.AgentInfo;
import io.meso.v1.FrameworkInfo;
import org.junit.jupiter.api.Test;

/** Which master events each principal's stream shows: the same rules as the master's filtered views. */
class EventViewTest {

  static final Acls ACLS = Acls.parse("""
      {"view_frameworks": [{"principals": {"values": ["ops", "viewer"]}, "users": {"type": "ANY"}}],
       "view_tasks": [{"principals": {"values": ["ops"]}, "users": {"type": "ANY"}},
                      {"principals": {"values": ["viewer"]}, "users": {"values": ["www"]}}],
       "view_agents": [{"principals": {"values": ["ops"]}, "agents": {"type": "ANY"}},
                       {"principals": {"values": ["viewer"]}, "agents": {"values": ["host-a"]}}]}""", "test");

  static MasterEvent task(String frameworkUser, String taskUser) {
    MasterEvent.Builder e = MasterEvent.newBuilder().setType(MasterEvent.Type.TASK_UPDATED).setFrameworkUser(frameworkUser);
    if (taskUser != null) {
      e.setTaskUser(taskUser);
    }
    return e.build();
  }

  static MasterEvent framework(MasterEvent.Type type, String user) {
    return MasterEvent.newBuilder().setType(type)
        .setFramework(FrameworkSummary.newBuilder().setFrameworkInfo(FrameworkInfo.newBuilder().setUser(user).setName("f")))
        .build();
  }

  static MasterEvent agentAdded(String id, String hostname) {
    return MasterEvent.newBuilder().setType(MasterEvent.Type.AGENT_ADDED).setAgent(AgentSummary.newBuilder()
        .setAgentInfo(AgentInfo.newBuilder().setId(AgentID.newBuilder().setValue(id)).setHostname(hostname))).build();
  }

  static MasterEvent agentRemoved(String id, String hostname) {
    MasterEvent.Builder e = MasterEvent.newBuilder().setType(MasterEvent.Type.AGENT_REMOVED)
        .setAgentId(AgentID.newBuilder().setValue(id));
    if (hostname != null) {
      e.setAgentHostname(hostname);
    }
    return e.build();
  }

  @Test
  void eachEventIsShownByItsViewAction() {
    EventView ops = new EventView(ACLS, "ops");
    EventView viewer = new EventView(ACLS, "viewer");
    EventView dev = new EventView(ACLS, "dev");
    EventView anonymous = new EventView(ACLS, null);

    assertThat(ops.shows(task("www", "root"))).isTrue();
    assertThat(viewer.shows(task("www", "www"))).isTrue();
    assertThat(viewer.shows(task("www", "root"))).isFalse();
    // A task the master does not know (no task user): only an ANY view_tasks rule shows it.
    assertThat(ops.shows(task("www", null))).isTrue();
    assertThat(viewer.shows(task("www", null))).isFalse();

    for (MasterEvent.Type type : new MasterEvent.Type[] {MasterEvent.Type.FRAMEWORK_ADDED,
        MasterEvent.Type.FRAMEWORK_UPDATED, MasterEvent.Type.FRAMEWORK_REMOVED}) {
      assertThat(viewer.shows(framework(type, "root"))).as(type.name()).isTrue();
      assertThat(dev.shows(framework(type, "root"))).as(type.name()).isFalse();
    }

    // Agents by id or hostname.
    assertThat(viewer.shows(agentAdded("a1", "host-a"))).isTrue();
    assertThat(viewer.shows(agentAdded("a2", "host-b"))).isFalse();
    assertThat(viewer.shows(agentRemoved("a1", "host-a"))).isTrue();
    assertThat(viewer.shows(agentRemoved("a1", null))).isFalse();
    assertThat(ops.shows(agentRemoved("a1", null))).isTrue();

    for (MasterEvent e : new MasterEvent[] {task("www", "www"), framework(MasterEvent.Type.FRAMEWORK_ADDED, "www"),
        agentAdded("a1", "host-a"), agentRemoved("a1", "host-a"), MasterEvent.getDefaultInstance()}) {
      assertThat(dev.shows(e)).as(e.toString()).isFalse();
      assertThat(anonymous.shows(e)).as(e.toString()).isFalse();
    }
  }

  @Test
  void withoutAnAclFileEveryEventIsShown() {
    EventView anyone = new EventView(Acls.allowAll(), null);
    assertThat(anyone.shows(task("www", "root"))).isTrue();
    assertThat(anyone.shows(agentRemoved("a1", null))).isTrue();
    assertThat(new EventView(null, "dev").shows(framework(MasterEvent.Type.FRAMEWORK_REMOVED, "x"))).isTrue();
  }
}
