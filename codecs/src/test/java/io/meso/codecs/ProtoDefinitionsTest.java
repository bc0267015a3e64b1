package io.meso.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.meso.proto.Api;
import io.meso.internal.Internal;
import io.meso.v1.HealthCheck;
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
 * the numbers they have always had on that wire. The mesos.v1 messages Meso declares carry
 * Apache Mesos's field numbers, names and defaults (include/mesos/v1/mesos.proto), so a Mesos
 * client's bytes mean the same here.
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

  /**
   * Against include/mesos/v1/mesos.proto of apache/mesos (HealthCheck at lines 511-611, TaskInfo at 2340,
   * ResourceStatistics at 1752).
   */
  @ParameterizedTest(name = "{0}.{1} = {2}")
  @CsvSource({
      "HealthCheck,               http,                 1, ",
      "HealthCheck,               delay_seconds,        2, 15.0",
      "HealthCheck,               interval_seconds,     3, 10.0",
      "HealthCheck,               timeout_seconds,      4, 20.0",
      "HealthCheck,               consecutive_failures, 5, 3",
      "HealthCheck,               grace_period_seconds, 6, 10.0",
      "HealthCheck,               command,              7, ",
      "HealthCheck,               type,                 8, ",
      "HealthCheck,               tcp,                  9, ",
      "HealthCheck.HTTPCheckInfo, port,                 1, ",
      "HealthCheck.HTTPCheckInfo, path,                 2, ",
      "HealthCheck.HTTPCheckInfo, scheme,               3, ",
      "HealthCheck.HTTPCheckInfo, statuses,             4, ",
      "HealthCheck.HTTPCheckInfo, protocol,             5, IPv4",
      "HealthCheck.TCPCheckInfo,  port,                 1, ",
      "HealthCheck.TCPCheckInfo,  protocol,             2, IPv4",
      "TaskInfo,                  health_check,         8, ",
      "TaskStatus,                healthy,              8, ",
      "ResourceStatistics,        timestamp,                 1, ",
      "ResourceStatistics,        processes,                30, ",
      "ResourceStatistics,        threads,                  31, ",
      "ResourceStatistics,        cpus_user_time_secs,       2, ",
      "ResourceStatistics,        cpus_system_time_secs,     3, ",
      "ResourceStatistics,        cpus_limit,                4, ",
      "ResourceStatistics,        cpus_nr_periods,           7, ",
      "ResourceStatistics,        cpus_nr_throttled,         8, ",
      "ResourceStatistics,        cpus_throttled_time_secs,  9, ",
      "ResourceStatistics,        mem_total_bytes,          36, ",
      "ResourceStatistics,        mem_limit_bytes,           6, ",
      "ResourceStatistics,        mem_file_bytes,           10, ",
      "ResourceStatistics,        mem_anon_bytes,           11, ",
      "ResourceStatistics,        mem_cache_bytes,          39, ",
      "ResourceStatistics,        mem_rss_bytes,             5, ",
      "ResourceStatistics,        mem_mapped_file_bytes,    12, ",
      "ResourceStatistics,        mem_swap_bytes,           40, ",
      "ResourceStatistics,        mem_unevictable_bytes,    41, ",
      "ResourceStatistics,        disk_limit_bytes,         26, ",
      "ResourceStatistics,        disk_used_bytes,          27, "})
  void mesosMessagesKeepMesosFieldNumbersAndDefaults(String message, String field, int number, String dflt) {
    Descriptor type = HealthCheck.getDescriptor().getFile().findMessageTypeByName(message.split("\\.")[0]);
    if (message.contains(".")) {
      type = type.findNestedTypeByName(message.split("\\.")[1]);
    }
    FieldDescriptor f = type.findFieldByName(field);
    assertThat(f).as(message + "." + field).isNotNull();
    assertThat(f.getNumber()).as(message + "." + field).isEqualTo(number);
    if (dflt != null) {
      assertThat(f.hasDefaultValue()).as(message + "." + field + " has a default").isTrue();
      Object value = f.getDefaultValue();
      assertThat(value instanceof EnumValueDescriptor v ? v.getName() : String.valueOf(value)).isEqualTo(dflt);
    } else {
      assertThat(f.hasDefaultValue()).as(message + "." + field + " has no default").isFalse();
    }
  }

  /** Enum numbers of mesos.proto: HealthCheck.Type (lines 512-517), NetworkInfo.Protocol (3332-3335), reasons (2742-2782). */
  @ParameterizedTest(name = "{0} {1} = {2}")
  @CsvSource({
      "HealthCheck.Type,  UNKNOWN, 0",
      "HealthCheck.Type,  COMMAND, 1",
      "HealthCheck.Type,  HTTP,    2",
      "HealthCheck.Type,  TCP,     3",
      "NetworkInfo.Protocol, IPv4, 1",
      "NetworkInfo.Protocol, IPv6, 2",
      "TaskStatus.Reason, REASON_TASK_CHECK_STATUS_UPDATED,        28",
      "TaskStatus.Reason, REASON_TASK_HEALTH_CHECK_STATUS_UPDATED, 29"})
  void mesosEnumsKeepMesosNumbers(String enumName, String value, int number) {
    String[] parts = enumName.split("\\.");
    var e = HealthCheck.getDescriptor().getFile().findMessageTypeByName(parts[0]).findEnumTypeByName(parts[1]);
    assertThat(e).as(enumName).isNotNull();
    assertThat(e.findValueByName(value)).as(enumName + " " + value).isNotNull();
    assertThat(e.findValueByName(value).getNumber()).isEqualTo(number);
  }
}
