package io.meso.master;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.allocator.Resources;
import io.meso.v1.FrameworkInfo;
import io.meso.v1.TaskID;
import io.meso.v1.TaskInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The master's completed history is bounded by count and age across frameworks, not per framework. */
class CompletedHistoryTest {

  final Map<String, FrameworkRecord> frameworks = new LinkedHashMap<>();
  final Map<String, FrameworkRecord> completedFrameworks = new LinkedHashMap<>();

  static FrameworkRecord framework(String id) {
    return new FrameworkRecord(id, FrameworkInfo.newBuilder().setName(id).setUser("").build(), 0);
  }

  static TaskRecord task(String frameworkId, String id) {
    return new TaskRecord(TaskInfo.newBuilder().setName(id).setTaskId(TaskID.newBuilder().setValue(id)).build(),
        frameworkId, io.meso.v1.AgentID.newBuilder().setValue("agent").build(), Resources.EMPTY, 0);
  }

  static List<String> ids(FrameworkRecord f) {
    return f.completed.stream().map(TaskRecord::id).toList();
  }

  @Test
  void keepsTheNewestTasksAcrossFrameworks() {
    CompletedHistory history = new CompletedHistory(frameworks, completedFrameworks, TaskOrder.master(),
        new MasterOptions().setMaxCompletedTasks(3));
    FrameworkRecord a = framework("a");
    FrameworkRecord b = framework("b");
    frameworks.put("a", a);
    frameworks.put("b", b);
    history.addTask(a, task("a", "a1"), 1);
    history.addTask(b, task("b", "b1"), 2);
    history.addTask(a, task("a", "a2"), 3);
    history.addTask(b, task("b", "b2"), 4);
    history.addTask(b, task("b", "b3"), 5);
    // Five completed, three kept: the oldest two (a1, b1) went, whichever framework they were in.
    assertThat(history.size()).isEqualTo(3);
    assertThat(ids(a)).containsExactly("a2");
    assertThat(ids(b)).containsExactly("b2", "b3");
  }

  @Test
  void emptyRemovedFrameworksGoFirst() {
    CompletedHistory history = new CompletedHistory(frameworks, completedFrameworks, TaskOrder.master(),
        new MasterOptions().setMaxCompletedFrameworks(2));
    FrameworkRecord real = framework("real");
    history.addTask(real, task("real", "t1"), 1);
    history.addFramework(real, 1);
    for (int i = 0; i < 10; i++) {
      history.addFramework(framework("empty-" + i), 2 + i);
    }
    assertThat(completedFrameworks.keySet()).containsExactly("real", "empty-9");
    assertThat(ids(real)).containsExactly("t1");

    // Only when every remembered framework holds tasks does the oldest go, with its tasks.
    FrameworkRecord second = framework("second");
    history.addTask(second, task("second", "t2"), 20);
    history.addFramework(second, 20);
    FrameworkRecord third = framework("third");
    history.addTask(third, task("third", "t3"), 21);
    history.addFramework(third, 21);
    assertThat(completedFrameworks.keySet()).containsExactly("second", "third");
    assertThat(history.size()).isEqualTo(2);
  }

  @Test
  void forgetsWhatIsOlderThanTheAgeLimit() {
    CompletedHistory history = new CompletedHistory(frameworks, completedFrameworks, TaskOrder.master(),
        new MasterOptions().setMaxCompletedAgeMillis(60_000));
    FrameworkRecord live = framework("live");
    frameworks.put("live", live);
    FrameworkRecord removed = framework("removed");
    history.addTask(live, task("live", "old"), 1_000);
    history.addTask(removed, task("removed", "r1"), 1_010);
    history.addFramework(removed, 1_010);
    history.addTask(live, task("live", "new"), 1_050);
    history.expire(1_065); // cutoff 1_005: "old" goes; the rest is younger
    assertThat(ids(live)).containsExactly("new");
    assertThat(completedFrameworks).containsKey("removed");
    history.expire(1_071); // cutoff 1_011: the removed framework and its task go
    assertThat(completedFrameworks).isEmpty();
    assertThat(history.size()).isEqualTo(1);
    assertThat(ids(live)).containsExactly("new");
  }
}
