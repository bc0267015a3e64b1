package io.meso.codecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Mesos RecordIO: "LENGTH\nBYTES", the length in bytes (not characters), nothing between records. */
class RecordIOTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void framesLengthInBytesThenALineFeed() {
    assertThat(RecordIO.frame(utf8("{\"type\":\"HEARTBEAT\"}")).toString()).isEqualTo("20\n{\"type\":\"HEARTBEAT\"}");
    // "é" is two bytes in UTF-8: the length counts bytes.
    assertThat(RecordIO.frame(utf8("é")).toString(StandardCharsets.UTF_8)).isEqualTo("2\né");
    assertThat(RecordIO.frame(new byte[0]).toString()).isEqualTo("0\n");
  }

  @Test
  void decoderSplitsRecordsWhereverTheChunksBreak() {
    Buffer stream = Buffer.buffer().appendBuffer(RecordIO.frame(utf8("first")))
        .appendBuffer(RecordIO.frame(new byte[0])).appendBuffer(RecordIO.frame(utf8("a record of 23 bytes ..")));
    for (int size = 1; size <= stream.length(); size++) {
      RecordIO.Decoder decoder = new RecordIO.Decoder();
      List<String> records = new ArrayList<>();
      for (int i = 0; i < stream.length(); i += size) {
        decoder.feed(stream.getBuffer(i, Math.min(stream.length(), i + size))).forEach(r -> records.add(r.toString()));
      }
      assertThat(records).as("chunks of " + size).containsExactly("first", "", "a record of 23 bytes ..");
    }
  }

  @Test
  void blockingReaderReadsWhatFrameWrote() throws Exception {
    Buffer stream = RecordIO.frame(utf8("one")).appendBuffer(RecordIO.frame(utf8("two")));
    ByteArrayInputStream in = new ByteArrayInputStream(stream.getBytes());
    assertThat(RecordIO.read(in)).isEqualTo(utf8("one"));
    assertThat(RecordIO.read(in)).isEqualTo(utf8("two"));
    assertThat(RecordIO.read(in)).as("clean end between records").isNull();
  }

  @Test
  void badFramingIsRefusedNamingTheByte() {
    assertThatThrownBy(() -> new RecordIO.Decoder().feed(Buffer.buffer("1x\nab")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-digit byte 120 after '1'");
    assertThatThrownBy(() -> RecordIO.read(new ByteArrayInputStream(utf8("\nab"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> RecordIO.read(new ByteArrayInputStream(utf8("5\nab"))))
        .isInstanceOf(EOFException.class).hasMessageContaining("announced 5 bytes");
  }
}
