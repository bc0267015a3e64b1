package io.meso.webui;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.codecs.TaskStates;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The web UI's list of completed task states is the server's ({@link TaskStates#COMPLETED}). */
class TaskStatesInAppJsTest {

  private static final Pattern TERMINAL = Pattern.compile("const TERMINAL = new Set\\(\\[([^\\]]*)\\]\\)");
  private static final Pattern NAME = Pattern.compile("'([A-Z_]+)'");

  @Test
  void appJsListsTheCompletedStates() throws Exception {
    String js;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream("meso-webui/app.js")) {
      assertThat(in).as("meso-webui/app.js on the class path").isNotNull();
      js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Matcher set = TERMINAL.matcher(js);
    assertThat(set.find()).as("app.js defines const TERMINAL = new Set([...])").isTrue();
    assertThat(set.find()).as("app.js defines TERMINAL once").isFalse();
    set.reset().find();
    List<String> names = new ArrayList<>();
    Matcher name = NAME.matcher(set.group(1));
    while (name.find()) {
      names.add(name.group(1));
    }
    assertThat(names).containsExactlyInAnyOrderElementsOf(TaskStates.COMPLETED.stream().map(Enum::name).toList());
  }
}
