package io.meso.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.grpc.common.GrpcStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StatusCodesTest {

  @ParameterizedTest
  @CsvSource({
      "400, INVALID_ARGUMENT",
      "403, PERMISSION_DENIED",
      "404, NOT_FOUND",
      "409, ALREADY_EXISTS",
      "412, FAILED_PRECONDITION",
      "503, UNAVAILABLE",
      "504, DEADLINE_EXCEEDED",
      "500, INTERNAL"})
  void mapsBothWays(int code, GrpcStatus status) {
    assertThat(StatusCodes.toGrpc(code)).isEqualTo(status);
    assertThat(StatusCodes.toCode(status)).isEqualTo(code);
  }

  @ParameterizedTest
  @CsvSource({"418, INTERNAL", "0, INTERNAL", "-1, INTERNAL"})
  void unknownCodesAreInternal(int code, GrpcStatus status) {
    assertThat(StatusCodes.toGrpc(code)).isEqualTo(status);
  }
}
