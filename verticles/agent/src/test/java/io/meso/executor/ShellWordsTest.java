package io.meso.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShellWordsTest {

  // Expected words joined by '|'; empty: the script needs the shell.
  @ParameterizedTest
  @CsvSource(delimiter = ';', value = {
      "/bin/true; /bin/true",
      "sleep 10; sleep|10",
      "'  java -Xmx64m -jar app.jar --port=31000  '; java|-Xmx64m|-jar|app.jar|--port=31000",
      "./run.sh a,b user@host 50%; ./run.sh|a,b|user@host|50%",
      "echo hello; ",
      "true; ",
      "cd /tmp; ",
      "exit 3; ",
      "FOO=bar env; ",
      "sleep 1 && true; ",
      "sleep 1 & wait; ",
      "cat x > y; ",
      "ls *.txt; ",
      "echo $HOME; ",
      "ls ~; ",
      "'a\tb'; ",
      "'echo \"q\"'; ",
      "'  '; "})
  void plainCommandsAreSplitEverythingElseGoesToTheShell(String script, String expected) {
    List<String> words = ShellWords.plain(script);
    if (expected == null) {
      assertThat(words).isNull();
    } else {
      assertThat(words).isEqualTo(Arrays.asList(expected.split("\\|")));
    }
  }
}
