package io.meso.security.acl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.v1.CommandInfo;
import io.meso.v1.Environment;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parsing of ACL files (every bad input refused with its path) and decisions as Mesos's local authorizer. */
class AclsTest {

  private static Acls parse(String json) {
    return Acls.parse(json, "acls.json");
  }

  @Test
  void noFileAllowsEverythingAFileDeniesByDefault() {
    for (AclAction action : AclAction.values()) {
      assertThat(Acls.allowAll().allows(null, action, "x")).isTrue();
      assertThat(parse("{}").allows("ops", action, "x")).as(action.jsonName()).isFalse();
      assertThat(parse("{\"permissive\": true}").allows("ops", action, "x")).isTrue();
    }
    assertThat(Acls.allowAll().configured()).isFalse();
    assertThat(parse("{}").configured()).isTrue();
  }

  @Test
  void allowsAllIsTrueOnlyWhenNoObjectCanBeDenied() {
    assertThat(Acls.allowAll().allowsAll("ops", AclAction.VIEW_TASKS)).isTrue();
    Acls acls = parse("""
        {"permissive": true,
         "view_tasks": [{"principals": {"values": ["viewer"]}, "users": {"values": ["alice"]}},
                        {"principals": {"values": ["ops"]}, "users": {"type": "ANY"}},
                        {"principals": {"values": ["dev"]}, "users": {"type": "NONE"}}]}""");
    assertThat(acls.allowsAll("viewer", AclAction.VIEW_TASKS)).isFalse();
    assertThat(acls.allowsAll("ops", AclAction.VIEW_TASKS)).isTrue();
    assertThat(acls.allowsAll("dev", AclAction.VIEW_TASKS)).isFalse();
    assertThat(acls.allowsAll("admin", AclAction.VIEW_TASKS)).as("no rule: permissive").isTrue();
    assertThat(acls.allowsAll(null, AclAction.VIEW_TASKS)).isTrue();
    assertThat(parse("{}").allowsAll("admin", AclAction.VIEW_TASKS)).as("default deny").isFalse();
  }

  @Test
  void everyActionIsAllowedForItsPrincipalAndObjectAndDeniedOtherwise() {
    for (AclAction action : AclAction.values()) {
      Acls acls = parse("{\"" + action.jsonName() + "\": [{\"principals\": {\"values\": [\"ops\"]}, \""
          + action.objectField() + "\": {\"values\": [\"a\"]}}]}");
      assertThat(acls.allows("ops", action, "a")).as(action.jsonName()).isTrue();
      assertThat(acls.allows("ops", action, "b")).as(action.jsonName()).isFalse();
      assertThat(acls.allows("dev", action, "a")).as(action.jsonName()).isFalse();
      assertThat(acls.allows(null, action, "a")).as(action.jsonName()).isFalse();
      for (AclAction other : AclAction.values()) {
        if (other != action) {
          assertThat(acls.allows("ops", other, "a")).as(other + " under " + action).isFalse();
        }
      }
      assertThatThrownBy(() -> acls.check("dev", action, "a")).isInstanceOf(AccessDenied.class)
          .hasMessage("principal 'dev' is not authorized to " + action.jsonName() + " for " + action.objectNoun()
              + " 'a' (ACL)");
    }
  }

  @Test
  void rulesApplyInOrderAnyNoneAndPermissive() {
    Acls acls = parse("""
        {"permissive": true,
         "run_tasks": [
           {"principals": {"values": ["ops"]}, "users": {"type": "ANY"}},
           {"principals": {"type": "ANY"}, "users": {"values": ["root"]}, "users": {"type": "NONE"}},
           {"principals": {"values": ["dev"]}, "users": {"values": ["dev"]}},
           {"principals": {"type": "NONE"}, "users": {"values": ["nobody"]}}
         ]}""");
    // Vert.x keeps the last duplicate key: rule 2 is {ANY, NONE}, it applies to everyone after ops.
    assertThat(acls.allows("ops", AclAction.RUN_TASKS, "root")).isTrue();
    assertThat(acls.allows("dev", AclAction.RUN_TASKS, "dev")).isFalse();
    assertThat(acls.allows(null, AclAction.RUN_TASKS, "anything")).isFalse();

    Acls ordered = parse("""
        {"run_tasks": [
           {"principals": {"values": ["dev"]}, "users": {"values": ["root"]}},
           {"principals": {"values": ["dev"]}, "users": {"type": "NONE"}},
           {"principals": {"type": "ANY"}, "users": {"values": ["nobody"]}}
         ],
         "permissive": true}""");
    assertThat(ordered.allows("dev", AclAction.RUN_TASKS, "root")).isTrue();   // first rule
    assertThat(ordered.allows("dev", AclAction.RUN_TASKS, "nobody")).isFalse(); // NONE decides before ANY
    assertThat(ordered.allows("ops", AclAction.RUN_TASKS, "nobody")).isTrue();
    assertThat(ordered.allows(null, AclAction.RUN_TASKS, "nobody")).isTrue();   // absent matches ANY
    assertThat(ordered.allows("ops", AclAction.RUN_TASKS, "www")).isTrue();     // no rule: permissive
    assertThat(ordered.allows("ops", AclAction.VIEW_TASKS, "www")).isTrue();
  }

  @Test
  void anAbsentPrincipalMatchesOnlyAny() {
    Acls acls = parse("""
        {"view_tasks": [{"principals": {"values": ["ops"]}, "users": {"type": "ANY"}}],
         "view_agents": [{"principals": {"type": "NONE"}, "agents": {"type": "ANY"}}],
         "permissive": true}""");
    assertThat(acls.allows(null, AclAction.VIEW_TASKS, "x")).isTrue(); // falls through to permissive
    assertThat(acls.allows("dev", AclAction.VIEW_AGENTS, "h")).isFalse();
    assertThat(acls.allows(null, AclAction.VIEW_AGENTS, "h")).isTrue();
  }

  @Test
  void anUnnamedObjectMatchesOnlyAnyOrNone() {
    Acls acls = parse("""
        {"teardown_frameworks": [{"principals": {"values": ["ops"]}, "framework_principals": {"values": ["a"]}},
                                 {"principals": {"values": ["admin"]}, "framework_principals": {"type": "ANY"}}]}""");
    assertThat(acls.allows("ops", AclAction.TEARDOWN_FRAMEWORKS, null)).isFalse();
    assertThat(acls.allows("admin", AclAction.TEARDOWN_FRAMEWORKS, null)).isTrue();
  }

  @Test
  void appsAndJobsMatchSubtrees() {
    Acls acls = parse("""
        {"update_apps": [{"principals": {"values": ["web"]}, "apps": {"values": ["/prod/web/", "/dev*", "/one"]}}],
         "view_jobs": [{"principals": {"values": ["web"]}, "jobs": {"values": ["report-*"]}}]}""");
    assertThat(acls.allows("web", AclAction.UPDATE_APPS, "/prod/web/a")).isTrue();
    assertThat(acls.allows("web", AclAction.UPDATE_APPS, "/prod/web")).isTrue();
    assertThat(acls.allows("web", AclAction.UPDATE_APPS, "/prod/webx")).isFalse();
    assertThat(acls.allows("web", AclAction.UPDATE_APPS, "/devops/x")).isTrue();
    assertThat(acls.allows("web", AclAction.UPDATE_APPS, "/one")).isTrue();
    assertThat(acls.allows("web", AclAction.UPDATE_APPS, "/one/two")).isFalse();
    assertThat(acls.allows("web", AclAction.VIEW_JOBS, "report-daily")).isTrue();
    assertThat(acls.allows("web", AclAction.VIEW_JOBS, "other")).isFalse();
    // Other actions compare names exactly.
    Acls roles = parse("{\"register_frameworks\": [{\"principals\": {\"values\": [\"web\"]}, "
        + "\"roles\": {\"values\": [\"eng*\"]}}]}");
    assertThat(roles.allows("web", AclAction.REGISTER_FRAMEWORKS, "engineering")).isFalse();
  }

  @Test
  void aliasesAreAccepted() {
    Acls acls = parse("""
        {"update_quota": [{"principals": {"values": ["ops"]}, "roles": {"type": "ANY"}}],
         "mark_agent_gone": [{"principals": {"values": ["ops"]}, "agents": {"type": "ANY"}}]}""");
    assertThat(acls.allows("ops", AclAction.UPDATE_QUOTAS, "eng")).isTrue();
    assertThat(acls.allows("ops", AclAction.MARK_AGENTS_GONE, "a1")).isTrue();
    assertThatThrownBy(() -> parse("""
        {"update_quota": [], "update_quotas": []}""")).hasMessageContaining("a second time");
  }

  @Test
  void badFilesAreRefusedNamingThePath() {
    assertThatThrownBy(() -> parse("[1]")).isInstanceOf(AclException.class).hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> parse("{not json")).hasMessageContaining("ACL file acls.json is not a JSON object");
    assertThatThrownBy(() -> parse("{\"run_task\": []}"))
        .hasMessageContaining("$.run_task is not an action").hasMessageContaining("run_tasks, teardown_frameworks");
    assertThatThrownBy(() -> parse("{\"permissive\": \"yes\"}")).hasMessageContaining("$.permissive is yes");
    assertThatThrownBy(() -> parse("{\"run_tasks\": {}}")).hasMessageContaining("$.run_tasks is {}; expected an array");
    assertThatThrownBy(() -> parse("{\"run_tasks\": [3]}")).hasMessageContaining("$.run_tasks[0] is 3");
    assertThatThrownBy(() -> parse("{\"run_tasks\": [{\"principals\": {\"type\": \"ANY\"}, \"roles\": {\"type\": \"ANY\"}}]}"))
        .hasMessageContaining("$.run_tasks[0].roles is not a field of a run_tasks rule; expected principals and users");
    assertThatThrownBy(() -> parse("{\"run_tasks\": [{\"principals\": {\"type\": \"ANY\"}}]}"))
        .hasMessageContaining("$.run_tasks[0].users is missing");
    assertThatThrownBy(() -> parse("{\"run_tasks\": [{\"principals\": {\"type\": \"ALL\"}, \"users\": {\"type\": \"ANY\"}}]}"))
        .hasMessageContaining("$.run_tasks[0].principals.type is ALL; expected ANY, NONE or SOME");
    assertThatThrownBy(() -> parse("{\"run_tasks\": [{\"principals\": {\"values\": []}, \"users\": {\"type\": \"ANY\"}}]}"))
        .hasMessageContaining("$.run_tasks[0].principals.values is []");
    assertThatThrownBy(() -> parse("{\"run_tasks\": [{\"principals\": {\"values\": [1]}, \"users\": {\"type\": \"ANY\"}}]}"))
        .hasMessageContaining("$.run_tasks[0].principals.values[0] is 1");
    assertThatThrownBy(() -> parse("{\"run_tasks\": [{\"principals\": {\"value\": [\"a\"]}, \"users\": {\"type\": \"ANY\"}}]}"))
        .hasMessageContaining("$.run_tasks[0].principals.value is not a field of an entity");
    assertThatThrownBy(() -> parse("{\"run_tasks\": [{\"principals\": \"ops\", \"users\": {\"type\": \"ANY\"}}]}"))
        .hasMessageContaining("$.run_tasks[0].principals is ops");
    assertThatThrownBy(() -> parse("{\"run_tasks\": [{\"principals\": {\"type\": \"ANY\", \"values\": [\"a\"]}, "
        + "\"users\": {\"type\": \"ANY\"}}]}")).hasMessageContaining("has both type ANY and values");
  }

  @Test
  void loadsAFileAndNamesAnUnreadableOne(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("acls.json");
    Files.writeString(file, "{\"view_agents\": [{\"principals\": {\"type\": \"ANY\"}, \"agents\": {\"type\": \"ANY\"}}]}");
    assertThat(Acls.load(file).allows("x", AclAction.VIEW_AGENTS, "h")).isTrue();
    assertThatThrownBy(() -> Acls.load(dir.resolve("missing.json"))).isInstanceOf(AclException.class)
        .hasMessageContaining("missing.json cannot be read");
  }

  @Test
  void secretsAreRedacted() {
    TaskInfo task = TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue("t"))
        .setCommand(CommandInfo.newBuilder().setValue("true").setEnvironment(Environment.newBuilder()
            .addVariables(Environment.Variable.newBuilder().setName("PLAIN").setValue("visible"))
            .addVariables(Environment.Variable.newBuilder().setName("TOKEN")
                .setType(Environment.Variable.Type.SECRET).setValue("s3cr3t"))))
        .build();
    TaskInfo shown = Secrets.redact(task);
    assertThat(shown.toString()).doesNotContain("s3cr3t").contains("visible").contains("TOKEN")
        .contains(Secrets.REDACTED);
    TaskInfo plain = TaskInfo.newBuilder().setTaskId(TaskID.newBuilder().setValue("t")).build();
    assertThat(Secrets.redact(plain)).isSameAs(plain);
  }
}
