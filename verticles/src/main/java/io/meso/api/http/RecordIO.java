package io.meso.api.http;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Mesos's RecordIO framing of a stream of records: each record is its length in bytes as
 * ASCII decimal, a line feed, then the bytes; nothing between records.
 */
public final class RecordIO {

  private RecordIO() {}

  /** One framed record. */
  public static Buffer frame(byte[] record) {
    byte[] header = (record.length + "\n").getBytes(StandardCharsets.US_ASCII);
    return Buffer.buffer(header.length + record.length).appendBytes(header).appendBytes(record);
  }
}
