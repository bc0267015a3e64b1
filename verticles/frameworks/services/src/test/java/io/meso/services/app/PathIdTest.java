package io.meso.services.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathIdTest {

  @ParameterizedTest(name = "{0} under {1} is {2}")
  @CsvSource({
      "web,           /,        /web",
      "/web,          /prod,    /web",
      "web,           /prod,    /prod/web",
      "web/,          /prod,    /prod/web",
      "//a//b//,      /,        /a/b",
      "../web,        /prod/x,  /prod/web",
      "./web,         /prod,    /prod/web",
      "/a/b/../c,     /,        /a/c",
      "../../../a,    /prod,    /a",
      "a.b-c.d,       /,        /a.b-c.d",
  })
  void canonicalMakesRelativeIdsAbsoluteAndResolvesDots(String raw, String base, String expected) {
    PathId id = PathId.parse(raw).canonical(PathId.absolute(base));
    assertThat(id.toString()).isEqualTo(expected);
    assertThat(id.isAbsolute()).isTrue();
  }

  @Test
  void parseKeepsRelativeIdsRelative() {
    assertThat(PathId.parse("a/b").isAbsolute()).isFalse();
    assertThat(PathId.parse("a/b").toString()).isEqualTo("a/b");
    assertThat(PathId.parse("/a/b").segments()).containsExactly("a", "b");
    assertThatThrownBy(() -> PathId.parse("a").canonical(PathId.parse("rel")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{0} is a valid app id")
  @CsvSource({"/a", "/prod/web-1", "/a.b/c-d.e", "/0", "/a/restarts", "/tasks/a", "/x--y"})
  void validIds(String raw) {
    assertThat(PathId.absolute(raw).violations()).isEmpty();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "/My_App       | must fully match regular expression",
      "/a/-b         | must fully match regular expression",
      "/a/b-         | must fully match regular expression",
      "/a/b..c       | must fully match regular expression",
      "/a/b_c        | must fully match regular expression",
      "/a/restart    | must not end with any of the following reserved keywords: restart, tasks, versions, ., ..",
      "/a/tasks      | must not end with any of the following reserved keywords",
      "/versions     | must not end with any of the following reserved keywords",
      "/             | Path must contain at least one path element",
      "/a/..         | Path must contain at least one path element",
  })
  void invalidIds(String raw, String message) {
    List<String> violations = PathId.absolute(raw.trim()).violations();
    assertThat(violations).anySatisfy(v -> assertThat(v).startsWith(message.trim()));
  }

  @Test
  void segmentMessageNamesTheSegmentAndThePattern() {
    assertThat(PathId.absolute("/ok/Bad").violations()).containsExactly(
        "must fully match regular expression '" + PathId.SEGMENT.pattern()
            + "' (segment 'Bad' does not): lower-case letters, digits, dots and inner dashes only");
  }

  @Test
  void parentAndRoot() {
    assertThat(PathId.absolute("/a/b/c").parent()).isEqualTo(PathId.absolute("/a/b"));
    assertThat(PathId.absolute("/a").parent()).isEqualTo(PathId.ROOT);
    assertThat(PathId.ROOT.isRoot()).isTrue();
    assertThat(PathId.absolute("/a").isRoot()).isFalse();
    assertThat(PathId.absolute("a")).isEqualTo(PathId.parse("/a")).hasSameHashCodeAs(PathId.parse("/a"));
    assertThat(PathId.parse("a")).isNotEqualTo(PathId.parse("/a"));
  }
}
