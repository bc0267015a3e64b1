package io.meso.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SIGKILL goes to a task's processes oldest first, so no parent outlives its children. */
class ProcessTreeOrderTest {

  @Test
  void parentsComeBeforeTheirChildrenWhateverOrderThePidsArriveIn() throws Exception {
    Process parent = new ProcessBuilder("sh", "-c", "sleep 1000 & wait").start();
    try {
      ProcessHandle child = await().atMost(Duration.ofSeconds(30))
          .until(() -> parent.children().findFirst().orElse(null), c -> c != null);
      long gone = Long.MAX_VALUE - 1; // no such process: last
      assertThat(ProcessTree.oldestFirst(List.of(gone, child.pid(), parent.pid())))
          .containsExactly(parent.pid(), child.pid(), gone);
      assertThat(ProcessTree.oldestFirst(List.of(parent.pid(), child.pid())))
          .containsExactly(parent.pid(), child.pid());
      ProcessTree.signal(List.of(child.pid(), parent.pid()), true);
      assertThat(parent.waitFor()).as("the parent was killed, not left to see its child die").isEqualTo(137);
    } finally {
      parent.descendants().forEach(ProcessHandle::destroyForcibly);
      parent.destroyForcibly();
    }
  }
}
