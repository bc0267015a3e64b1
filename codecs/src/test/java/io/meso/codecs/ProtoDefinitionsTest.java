package io.meso.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.meso.proto.Api;
import io.meso.internal.Internal;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Meso's own protos define each message once: no message of internal.proto has the name of one
 * in api.proto (the sandbox reads once had a copy in each, field numbers swapped). The sandbox
 * messages on the gRPC Operator service, also forwarded master -> agent on the event bus, keep
 * the numbers they have always had on that wire.
 */
class ProtoDefinitionsTest {

  @org.junit.jupiter.api.Test
  void noMessageIsDefinedInBothFiles() {
    Set<String> api = new HashSet<>(Api.getDescriptor().getMessageTypes().stream().map(Descriptor::getName).toList());
    List<String> both = Internal.getDescriptor().getMessageTypes().stream().map(Descriptor::getName)
        .filter(api::contains).toList();
    assertThat(both).as("messages defined in both meso/api.proto and meso/internal.proto").isEmpty();
  }

  @ParameterizedTest(name = "{0}.{1} = {2}")
  @CsvSource({
      "ReadFileRequest,   task_id,      1",
      "ReadFileRequest,   framework_id, 2",
      "ReadFileRequest,   path,         3",
      "ReadFileRequest,   offset,       4",
      "ReadFileRequest,   length,       5",
      "ReadFileResponse,  data,         1",
      "ReadFileResponse,  offset,       2",
      "ReadFileResponse,  size,         3",
      "ListFilesRequest,  task_id,      1",
      "ListFilesRequest,  framework_id, 2",
      "ListFilesRequest,  path,         3",
      "ListFilesResponse, files,        1",
      "ListFilesResponse, agent_id,     2",
      "SandboxFile,       path,         1",
      "SandboxFile,       size,         2",
      "SandboxFile,       directory,    3",
      "SandboxFile,       mtime_millis, 4"})
  void sandboxMessagesKeepTheirFieldNumbers(String message, String field, int number) {
    Descriptor type = Api.getDescriptor().findMessageTypeByName(message);
    FieldDescriptor f = type.findFieldByName(field);
    assertThat(f).as(message + "." + field).isNotNull();
    assertThat(f.getNumber()).isEqualTo(number);
    assertThat(Stream.of(type.getFields().toArray(FieldDescriptor[]::new)).filter(x -> x.getNumber() == number))
        .hasSize(1);
  }
}
