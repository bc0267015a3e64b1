package io.meso.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.executor.TaskUsage;
import io.meso.v1.ResourceStatistics;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-task usage rings: bounded per task, an ended task's kept for one window, ended tasks capped. */
class TaskUsageHistoryTest {

  static TaskUsage usage(String taskId, double at, double userSecs) {
    return new TaskUsage("fw", TaskInfo.newBuilder().setName(taskId).setTaskId(TaskID.newBuilder().setValue(taskId))
        .build(), ResourceStatistics.newBuilder().setTimestamp(at).setCpusUserTimeSecs(userSecs).setCpusLimit(0.5)
        .setMemRssBytes(4096).setMemLimitBytes(1 << 20).setCpusNrThrottled(3).setDiskUsedBytes(7).build());
  }

  @Test
  void keepsTheNewestSamplesUpToItsCapacity() {
    TaskUsageHistory history = new TaskUsageHistory(3, 10);
    for (int i = 0; i < 5; i++) {
      history.record(List.of(usage("t", 100 + i, i)), 100 + i, 30);
    }
    List<ResourceStatistics> samples = history.samples("fw", "t");
    assertThat(samples).extracting(ResourceStatistics::getTimestamp).containsExactly(102.0, 103.0, 104.0);
    assertThat(samples.get(2).getCpusUserTimeSecs()).isEqualTo(4.0);
    assertThat(samples.get(2).getCpusLimit()).isEqualTo(0.5);
    assertThat(samples.get(2).getMemRssBytes()).isEqualTo(4096);
    assertThat(samples.get(2).getMemLimitBytes()).isEqualTo(1 << 20);
    assertThat(samples.get(2).getCpusNrThrottled()).isEqualTo(3);
    assertThat(samples.get(2).getDiskUsedBytes()).isEqualTo(7);
    assertThat(history.samples("other-fw", "t")).isEmpty();
  }

  @Test
  void anEndedTasksSamplesStayForOneWindowThenGo() {
    TaskUsageHistory history = new TaskUsageHistory(3, 10);
    history.record(List.of(usage("t", 100, 1)), 100, 30);
    history.record(List.of(), 110, 30);
    assertThat(history.samples("fw", "t")).hasSize(1);
    assertThat(history.sizes()).containsExactly(0, 1);
    history.record(List.of(), 131, 30);
    assertThat(history.samples("fw", "t")).isEmpty();
    assertThat(history.sizes()).containsExactly(0, 0);
  }

  @Test
  void atMostMaxEndedTasksAreKeptTheLongestEndedGoFirst() {
    TaskUsageHistory history = new TaskUsageHistory(3, 2);
    List<TaskUsage> all = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      all.add(usage("t" + i, 100, 1));
    }
    history.record(all, 100, 1000);
    history.record(all.subList(1, 4), 101, 1000); // t0 ends
    history.record(all.subList(2, 4), 102, 1000); // t1 ends
    history.record(List.of(), 103, 1000); // t2, t3 end: t0 and t1 (ended longest) are dropped
    assertThat(history.samples("fw", "t0")).isEmpty();
    assertThat(history.samples("fw", "t1")).isEmpty();
    assertThat(history.samples("fw", "t2")).hasSize(3);
    assertThat(history.samples("fw", "t3")).hasSize(3);
  }
}
