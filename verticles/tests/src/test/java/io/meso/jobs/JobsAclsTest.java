package io.meso.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.codecs.Addresses;
import io.meso.security.acl.Acls;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * /v1/scheduler under ACLs, over HTTP with the principal in the header the HTTP gate sets: writes
 * need update_jobs (and run_tasks for runAsUser), reads view_jobs (lists filtered); denials are
 * Chronos-shaped 403 / 401 bodies naming principal, action and job, and change nothing.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class JobsAclsTest {

  static final String P = "/v1/scheduler";
  static final String ACLS = """
      {"update_jobs": [{"principals": {"values": ["web"]}, "jobs": {"values": ["report-*"]}},
                       {"principals": {"values": ["admin"]}, "jobs": {"type": "ANY"}}],
       "view_jobs": [{"principals": {"values": ["web"]}, "jobs": {"values": ["report-*"]}},
                     {"principals": {"values": ["admin"]}, "jobs": {"type": "ANY"}}],
       "run_tasks": [{"principals": {"values": ["web"]}, "users": {"values": ["nobody"]}},
                     {"principals": {"values": ["admin"]}, "users": {"type": "ANY"}}]}""";

  static JobsFixture f;

  @BeforeAll
  static void start() throws Exception {
    f = JobsFixture.start("jobs-acls", Acls.parse(ACLS, "test"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (f != null) {
      f.close();
    }
  }

  static JobsFixture.Response as(String principal, HttpMethod method, String path, Object body) {
    return f.call(method, path, body, principal == null ? Map.of() : Map.of(Addresses.PRINCIPAL_HEADER, principal));
  }

  static JsonObject job(String name) {
    return new JsonObject().put("name", name).put("command", "true").put("schedule", "R/2031-01-01T00:00:00.000Z/P1D")
        .put("cpus", 0.1).put("mem", 32).put("disk", 10);
  }

  static void assertForbidden(JobsFixture.Response r, String... parts) {
    assertThat(r.status()).as(r.toString()).isEqualTo(403);
    assertThat(r.json().getString("status")).isEqualTo("Forbidden");
    assertThat(r.json().getString("message")).contains(parts);
  }

  static List<String> names(String principal, String path) {
    JobsFixture.Response r = as(principal, HttpMethod.GET, P + path, null);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    io.vertx.core.json.JsonArray jobs = path.endsWith("summary") ? r.json().getJsonArray("jobs") : r.array();
    return jobs.stream().map(o -> ((JsonObject) o).getString("name")).toList();
  }

  @Test
  void writesNeedUpdateJobsAndRunTasksReadsAreFiltered() {
    assertThat(as("web", HttpMethod.POST, P + "/iso8601", job("report-daily")).status()).isEqualTo(204);
    assertForbidden(as("web", HttpMethod.POST, P + "/iso8601", job("billing")),
        "principal 'web'", "update_jobs", "job 'billing'");
    JsonObject dependent = job("billing-after");
    dependent.remove("schedule");
    assertForbidden(as("web", HttpMethod.POST, P + "/dependency",
        dependent.put("parents", new io.vertx.core.json.JsonArray().add("report-daily"))), "update_jobs");
    JobsFixture.Response anonymous = as(null, HttpMethod.POST, P + "/iso8601", job("report-anon"));
    assertThat(anonymous.status()).as(anonymous.toString()).isEqualTo(401);
    assertThat(anonymous.json().getString("status")).isEqualTo("Unauthorized");
    assertForbidden(as("web", HttpMethod.POST, P + "/iso8601", job("report-root").put("runAsUser", "root")),
        "run_tasks", "user 'root'");
    assertThat(as("web", HttpMethod.POST, P + "/iso8601", job("report-nobody").put("runAsUser", "nobody")).status())
        .isEqualTo(204);
    assertThat(as("admin", HttpMethod.POST, P + "/iso8601", job("billing")).status()).isEqualTo(204);

    assertThat(names("web", "/jobs")).containsExactlyInAnyOrder("report-daily", "report-nobody");
    assertThat(names("web", "/jobs/summary")).containsExactlyInAnyOrder("report-daily", "report-nobody");
    assertThat(names("web", "/jobs/search")).containsExactlyInAnyOrder("report-daily", "report-nobody");
    assertThat(names("admin", "/jobs")).containsExactlyInAnyOrder("report-daily", "report-nobody", "billing");
    assertThat(names("dev", "/jobs")).isEmpty();

    assertForbidden(as("web", HttpMethod.GET, P + "/job/billing", null), "view_jobs", "job 'billing'");
    assertForbidden(as("web", HttpMethod.GET, P + "/job/stat/billing", null), "view_jobs");
    assertForbidden(as("web", HttpMethod.PUT, P + "/job/billing", null), "update_jobs");
    assertForbidden(as("web", HttpMethod.PUT, P + "/job/success/billing", null), "update_jobs");
    assertForbidden(as("web", HttpMethod.DELETE, P + "/task/kill/billing", null), "update_jobs");
    assertForbidden(as("web", HttpMethod.DELETE, P + "/job/billing", null), "update_jobs", "job 'billing'");
    assertForbidden(as("web", HttpMethod.GET, P + "/graph/dot", null), "view_jobs", "job '*'");
    assertForbidden(as("web", HttpMethod.GET, P + "/stats/mean", null), "view_jobs");
    assertThat(as("admin", HttpMethod.GET, P + "/graph/dot", null).status()).isEqualTo(200);
    assertThat(as("admin", HttpMethod.GET, P + "/job/billing", null).status()).isEqualTo(200);
    assertThat(as("web", HttpMethod.GET, P + "/job/report-daily", null).status()).isEqualTo(200);

    assertThat(as("admin", HttpMethod.DELETE, P + "/job/billing", null).status()).isEqualTo(204);
    for (String name : List.of("report-daily", "report-nobody")) {
      assertThat(as("web", HttpMethod.DELETE, P + "/job/" + name, null).status()).isEqualTo(204);
    }
  }
}
