package io.meso.services.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.services.app.PathId;
import org.junit.jupiter.api.Test;

/** Marathon 1.8+ ids: instance {@code <safeId>.instance-<uuid>}, task {@code <instanceId>._app.<n>}. */
class TaskIdsTest {

  @Test
  void idsHaveMarathonsShapeAndLeadBackToTheApp() {
    PathId app = PathId.absolute("/prod/web.v2/front");
    String instance = TaskIds.newInstanceId(app);
    assertThat(instance).matches("prod_web\\.v2_front\\.instance-[0-9a-f-]{36}");
    String task = TaskIds.taskId(instance, 1);
    assertThat(task).isEqualTo(instance + "._app.1");
    assertThat(TaskIds.instanceIdOf(task)).isEqualTo(instance);
    assertThat(TaskIds.appIdOf(task)).isEqualTo(app);
    assertThat(TaskIds.appIdOf(instance)).isEqualTo(app);
  }

  @Test
  void foreignIdsAreNotMistakenForOurs() {
    assertThat(TaskIds.appIdOf("garbage")).isNull();
    assertThat(TaskIds.instanceIdOf("garbage")).isNull();
    assertThat(TaskIds.instanceIdOf("web.instance-x")).isNull();
    assertThat(TaskIds.appIdOf(".instance-x._app.1")).isNull();
  }
}
