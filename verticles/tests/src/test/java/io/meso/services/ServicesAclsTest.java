package io.meso.services;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.codecs.Addresses;
import io.meso.master.MasterOptions;
import io.meso.security.acl.Acls;
import io.meso.services.ServicesFixture.Response;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * /v2 under ACLs, over HTTP with the principal in the header the HTTP gate sets: writes need
 * update_apps on every app they change (and run_tasks for an app's user), reads view_apps (lists
 * filtered); denials are Marathon's 403 / 401 bodies and change nothing.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServicesAclsTest {

  static final String ACLS = """
      {"update_apps": [{"principals": {"values": ["web"]}, "apps": {"values": ["/web/"]}},
                       {"principals": {"values": ["admin"]}, "apps": {"type": "ANY"}}],
       "view_apps": [{"principals": {"values": ["web"]}, "apps": {"values": ["/web/"]}},
                     {"principals": {"values": ["admin"]}, "apps": {"type": "ANY"}}],
       "run_tasks": [{"principals": {"values": ["web"]}, "users": {"values": ["nobody"]}},
                     {"principals": {"values": ["admin"]}, "users": {"type": "ANY"}}]}""";

  static ServicesFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = ServicesFixture.start("services-acls", new MasterOptions().setAllocationIntervalMillis(100),
        Acls.parse(ACLS, "test"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  static Response as(String principal, HttpMethod method, String path, Object body) {
    return f.callAt(f.port(), method, path, body,
        principal == null ? Map.of() : Map.of(Addresses.PRINCIPAL_HEADER, principal));
  }

  static JsonObject app(String id) {
    return new JsonObject().put("id", id).put("cmd", "sleep 600").put("cpus", 0.1).put("mem", 16).put("instances", 0);
  }

  static void assertForbidden(Response r, String... reason) {
    assertThat(r.status()).as(r.toString()).isEqualTo(403);
    assertThat(r.json().getString("message")).isEqualTo("Not Authorized to perform this action!");
    assertThat(r.json().getString("reason")).contains(reason);
  }

  static List<String> appIds(String principal) {
    Response r = as(principal, HttpMethod.GET, "/v2/apps", null);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.json().getJsonArray("apps").stream().map(o -> ((JsonObject) o).getString("id")).toList();
  }

  @Test
  void writesNeedUpdateAppsAndRunTasksReadsAreFiltered() {
    assertThat(as("web", HttpMethod.POST, "/v2/apps", app("/web/a")).status()).isEqualTo(201);
    assertForbidden(as("web", HttpMethod.POST, "/v2/apps", app("/other/b")),
        "principal 'web'", "update_apps", "app '/other/b'");
    Response anonymous = as(null, HttpMethod.POST, "/v2/apps", app("/web/anon"));
    assertThat(anonymous.status()).as(anonymous.toString()).isEqualTo(401);
    assertThat(anonymous.json().getString("message")).isEqualTo("Not Authenticated!");
    assertThat(anonymous.headers().get("WWW-Authenticate")).contains("Basic realm=\"meso\"");
    assertForbidden(as("web", HttpMethod.POST, "/v2/apps", app("/web/root").put("user", "root")),
        "run_tasks", "user 'root'");
    assertThat(as("web", HttpMethod.POST, "/v2/apps", app("/web/nobody").put("user", "nobody")).status())
        .isEqualTo(201);
    assertThat(as("admin", HttpMethod.POST, "/v2/apps", app("/other/b")).status()).isEqualTo(201);

    // Lists are filtered by view_apps.
    assertThat(appIds("web")).containsExactlyInAnyOrder("/web/a", "/web/nobody");
    assertThat(appIds("admin")).containsExactlyInAnyOrder("/web/a", "/web/nobody", "/other/b");
    assertThat(appIds("dev")).isEmpty();

    // One app: reads need view_apps, every change update_apps; nothing changes on a denial.
    assertForbidden(as("web", HttpMethod.GET, "/v2/apps/other/b", null), "view_apps", "app '/other/b'");
    assertForbidden(as("web", HttpMethod.GET, "/v2/apps/other/b/versions", null), "view_apps");
    assertForbidden(as("web", HttpMethod.GET, "/v2/apps/other/b/tasks", null), "view_apps");
    assertForbidden(as("web", HttpMethod.PUT, "/v2/apps/other/b", new JsonObject().put("instances", 2)),
        "update_apps", "app '/other/b'");
    assertForbidden(as("web", HttpMethod.PATCH, "/v2/apps/web/a", new JsonObject().put("user", "root")),
        "run_tasks", "user 'root'");
    assertForbidden(as("web", HttpMethod.POST, "/v2/apps/other/b/restart", null), "update_apps");
    assertForbidden(as("web", HttpMethod.DELETE, "/v2/apps/other/b", null), "update_apps");
    assertForbidden(as("web", HttpMethod.DELETE, "/v2/queue/other/b/delay", null), "update_apps");
    assertForbidden(as("web", HttpMethod.POST, "/v2/tasks/delete",
        new JsonObject().put("ids", new JsonArray().add("other_b.instance-0b4c1d0e-1f1a-4d6e-9a57-0f7e3c0a9b11._app.1"))), "update_apps");
    assertThat(as("admin", HttpMethod.GET, "/v2/apps/other/b", null).json().getJsonObject("app")
        .getInteger("instances")).isEqualTo(0);
    assertThat(as("web", HttpMethod.GET, "/v2/apps/web/a", null).status()).isEqualTo(200);

    // Arrays and groups: every app they change is checked.
    assertForbidden(as("web", HttpMethod.PUT, "/v2/apps", new JsonArray().add(app("/web/x")).add(app("/other/x"))),
        "app '/other/x'");
    assertThat(appIds("admin")).doesNotContain("/web/x", "/other/x");
    assertForbidden(as("web", HttpMethod.GET, "/v2/groups/other", null), "view_apps");
    assertThat(as("web", HttpMethod.GET, "/v2/groups/web", null).status()).isEqualTo(200);
    assertForbidden(as("web", HttpMethod.DELETE, "/v2/groups/other", null), "update_apps", "app '/other/b'");
    assertForbidden(as("web", HttpMethod.GET, "/v2/events", null), "view_apps", "app '/'");
    assertThat(as("web", HttpMethod.GET, "/v2/tasks", null).status()).isEqualTo(200);

    assertThat(as("admin", HttpMethod.DELETE, "/v2/apps/other/b", null).status()).isEqualTo(200);
    assertThat(as("web", HttpMethod.DELETE, "/v2/apps/web/a", null).status()).isEqualTo(200);
  }
}
