package io.meso.api.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.api.operator.OperatorApiFixture.Resp;
import io.meso.proto.GetMetricsResponse;
import io.vertx.core.http.HttpMethod;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The operator HTTP API's routes with no master on the bus: every endpoint that needs the
 * master answers 503 saying no master leads, /livez stays 200, /readyz is 503; plus the path
 * and metric rendering rules, which need no master at all.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OperatorHttpApiWithoutMasterTest {

  static OperatorApiFixture api;

  @BeforeAll
  static void start() throws Exception {
    api = OperatorApiFixture.start(2_000, null);
  }

  @AfterAll
  static void stop() throws Exception {
    api.close();
  }

  @Test
  void endpointsNeedingTheMasterSayNoneLeads() throws Exception {
    for (String uri : new String[] {"/state", "/state-summary", "/metrics/snapshot", "/redirect", "/metrics",
        "/files/read?task_id=t&path=stdout", "/files/browse?task_id=t"}) {
      Resp r = api.send(HttpMethod.GET, uri, null);
      assertThat(r.status()).as(uri).isEqualTo(503);
      assertThat(r.body()).as(uri).contains("no master is leading");
    }
    Resp call = api.send(HttpMethod.POST, "/api/v1", "{\"type\":\"GET_TASKS\"}");
    assertThat(call.status()).isEqualTo(503);
    assertThat(api.send(HttpMethod.GET, "/livez", null).status()).isEqualTo(200);
    Resp ready = api.send(HttpMethod.GET, "/readyz", null);
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.body()).contains("not ready");
  }

  @Test
  void badInputIsRefusedBeforeTheMasterIsAsked() throws Exception {
    assertThat(api.send(HttpMethod.POST, "/api/v1", "{\"type\":\"NOPE\"}").status()).isEqualTo(400);
    assertThat(api.send(HttpMethod.POST, "/master/api/v1", "not json").status()).isEqualTo(400);
    assertThat(api.send(HttpMethod.PUT, "/api/v1", "{}").status()).isEqualTo(405);
    assertThat(api.send(HttpMethod.GET, "/files/read?task_id=t&path=../x", null).status()).isEqualTo(403);
  }

  @Test
  void sandboxPathRules() {
    assertThat(SandboxFiles.refusePath("stdout")).isNull();
    assertThat(SandboxFiles.refusePath("dir/file.txt")).isNull();
    assertThat(SandboxFiles.refusePath("")).isNull();
    assertThat(SandboxFiles.refusePath("a..b")).isNull();
    assertThat(SandboxFiles.refusePath("../x")).contains("leaves");
    assertThat(SandboxFiles.refusePath("a/../../x")).contains("leaves");
    assertThat(SandboxFiles.refusePath("a\\..\\x")).contains("leaves");
    assertThat(SandboxFiles.refusePath("/etc/passwd")).contains("absolute");
    assertThat(SandboxFiles.refusePath("C:/x")).contains("absolute");
    assertThat(SandboxFiles.refusePath("a\0b")).contains("NUL");
  }

  @Test
  void mesoMetricsAreValidPrometheusWithACumulativeHistogram() {
    GetMetricsResponse m = GetMetricsResponse.newBuilder()
        .putMetrics("master/tasks_running", 3).putMetrics("master/tasks_finished", 7)
        .putMetrics("master/tasks_launched", 10).putMetrics("master/offers_made", 12)
        .addAllocationRunBounds(0.001).addAllocationRunBounds(0.01)
        .addAllocationRunCounts(2).addAllocationRunCounts(3).addAllocationRunCounts(1)
        .setAllocationRunSecondsSum(0.05)
        .build();
    String text = PrometheusMetrics.meso(m);
    assertThat(text).contains("meso_master_tasks{state=\"running\"} 3", "meso_master_tasks{state=\"finished\"} 7",
        "meso_master_tasks_launched_total 10", "meso_master_offers_made_total 12",
        "meso_allocator_run_seconds_bucket{le=\"0.001\"} 2", "meso_allocator_run_seconds_bucket{le=\"0.01\"} 5",
        "meso_allocator_run_seconds_bucket{le=\"+Inf\"} 6", "meso_allocator_run_seconds_count 6",
        "meso_allocator_run_seconds_sum 0.05");
    assertThat(text).doesNotContain("meso_master_tasks{state=\"launched\"}");
    for (String line : text.split("\n")) {
      assertThat(line).matches("# (HELP|TYPE) .*|[a-z_]+(\\{[a-z]+=\"[^\"]*\"(,[a-z]+=\"[^\"]*\")*\\})? [0-9.eE+-]+");
    }
  }
}
