package io.meso.services.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The label filter of GET /v2/apps. */
class LabelSelectorTest {

  static final Map<String, String> LABELS = Map.of("tier", "web", "env", "prod");

  @Test
  void eachFormSelects() {
    assertThat(LabelSelector.parse("tier").test(LABELS)).isTrue();
    assertThat(LabelSelector.parse("owner").test(LABELS)).isFalse();
    assertThat(LabelSelector.parse("tier==web").test(LABELS)).isTrue();
    assertThat(LabelSelector.parse("tier==db").test(LABELS)).isFalse();
    assertThat(LabelSelector.parse("tier!=db").test(LABELS)).isTrue();
    assertThat(LabelSelector.parse("owner!=db").test(LABELS)).isFalse();
    assertThat(LabelSelector.parse("env in (dev, prod)").test(LABELS)).isTrue();
    assertThat(LabelSelector.parse("env notin (dev, prod)").test(LABELS)).isFalse();
    assertThat(LabelSelector.parse("env notin(dev)").test(LABELS)).isTrue();
  }

  @Test
  void commasAreAnd() {
    assertThat(LabelSelector.parse("tier==web,env in (prod,dev)").test(LABELS)).isTrue();
    assertThat(LabelSelector.parse("tier==web,env==dev").test(LABELS)).isFalse();
  }

  @Test
  void malformedTermsAreRejected() {
    assertThatThrownBy(() -> LabelSelector.parse("tier=web")).isInstanceOf(IllegalArgumentException.class);
  }
}
