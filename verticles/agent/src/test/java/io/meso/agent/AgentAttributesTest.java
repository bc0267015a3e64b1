package io.meso.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.v1.Attribute;
import io.meso.v1.Value;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AgentAttributesTest {

  @Test
  void textNumbersAndRanges() {
    List<Attribute> attributes = AgentAttributes.parse("rack:r1; zone:eu-west/a ;level:3;weight:0.5;slots:[1-4,8-9]");

    assertThat(attributes).extracting(Attribute::getName).containsExactly("rack", "zone", "level", "weight", "slots");
    assertThat(attributes.get(0).getType()).isEqualTo(Value.Type.TEXT);
    assertThat(attributes.get(0).getText().getValue()).isEqualTo("r1");
    assertThat(attributes.get(1).getText().getValue()).isEqualTo("eu-west/a");
    assertThat(attributes.get(2).getType()).isEqualTo(Value.Type.SCALAR);
    assertThat(attributes.get(2).getScalar().getValue()).isEqualTo(3.0);
    assertThat(attributes.get(3).getScalar().getValue()).isEqualTo(0.5);
    assertThat(attributes.get(4).getType()).isEqualTo(Value.Type.RANGES);
    assertThat(attributes.get(4).getRanges().getRangeList()).extracting(Value.Range::getBegin, Value.Range::getEnd)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, 4L), org.assertj.core.groups.Tuple.tuple(8L, 9L));
  }

  @Test
  void nothingGivenMeansNoAttributes() {
    assertThat(AgentAttributes.parse(null)).isEmpty();
    assertThat(AgentAttributes.parse("  ")).isEmpty();
    assertThat(AgentAttributes.parse(";;")).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "rack | rack | expected name:value",
      "rack: | rack: | value is empty",
      ":r1 | :r1 | the name must be",
      "rack:r1;rack:r2 | rack:r2 | given twice",
      "slots:[4-1] | slots:[4-1] | ends before it begins",
      "slots:[1-x] | slots:[1-x] | ranges must look like"})
  void badInputIsRefusedNamingTheEntry(String spec, String entry, String why) {
    assertThatThrownBy(() -> AgentAttributes.parse(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid attribute '" + entry + "'")
        .hasMessageContaining("in attributes '" + spec + "'")
        .hasMessageContaining(why);
  }
}
