package io.meso.master;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RolesTest {

  @ParameterizedTest
  @ValueSource(strings = {"*", "eng", "eng/web", "a.b", "team_1/x-y"})
  void acceptsValidRoles(String role) {
    assertThatCode(() -> Roles.validate("roles", role)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/eng", "eng/", "a//b", ".", "..", "eng/..", "-x", "a b", "eng/*", "tab\there"})
  void refusesInvalidRolesNamingTheRole(String role) {
    assertThatThrownBy(() -> Roles.validate("framework_info.roles", role))
        .isInstanceOf(CallException.class)
        .hasMessageContaining("framework_info.roles")
        .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((CallException) e).code()).isEqualTo(400));
  }
}
