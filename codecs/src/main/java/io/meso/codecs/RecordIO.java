package io.meso.codecs;

import io.vertx.core.buffer.Buffer;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Mesos's RecordIO framing of a stream of records (the scheduler and operator HTTP event
 * streams): each record is its length in bytes as ASCII decimal, a line feed, then the bytes;
 * nothing between records. The one encoder ({@link #frame}) and decoder ({@link Decoder} for
 * chunks as they arrive, {@link #read} for a blocking stream) every door and client uses.
 */
public final class RecordIO {

  /** The longest length line accepted: 19 digits, the most a {@code long} holds. */
  private static final int MAX_DIGITS = 19;

  private RecordIO() {}

  /** One framed record. */
  public static Buffer frame(byte[] record) {
    byte[] header = (record.length + "\n").getBytes(StandardCharsets.US_ASCII);
    return Buffer.buffer(header.length + record.length).appendBytes(header).appendBytes(record);
  }

  /**
   * Reads one record from a blocking stream; null when the stream ends cleanly between records.
   *
   * @throws IOException when the length line is not ASCII digits, or the stream ends inside a record
   */
  public static byte[] read(InputStream in) throws IOException {
    StringBuilder digits = new StringBuilder();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        if (digits.length() == 0) {
          return null;
        }
        throw new EOFException("RecordIO stream ended in a length line after '" + digits + "'");
      }
      digits.append(digit(c, digits));
    }
    int n = length(digits);
    byte[] record = in.readNBytes(n);
    if (record.length != n) {
      throw new EOFException("RecordIO record announced " + n + " bytes, stream ended after " + record.length);
    }
    return record;
  }

  private static char digit(int c, CharSequence before) {
    if (c < '0' || c > '9' || before.length() >= MAX_DIGITS) {
      throw new IllegalArgumentException("RecordIO length has a non-digit byte " + c + " after '" + before
          + "'; expected ASCII decimal digits then a line feed");
    }
    return (char) c;
  }

  private static int length(CharSequence digits) {
    if (digits.length() == 0) {
      throw new IllegalArgumentException("RecordIO length line is empty; expected ASCII decimal digits");
    }
    long n = Long.parseLong(digits.toString());
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("RecordIO record of " + n + " bytes is larger than this reader takes");
    }
    return (int) n;
  }

  /** Splits chunks, as they arrive, into records. Not thread-safe. */
  public static final class Decoder {
    private Buffer pending = Buffer.buffer();

    /**
     * Adds a chunk and returns the records it completes, in order (possibly none).
     *
     * @throws IllegalArgumentException when a length line is not ASCII digits
     */
    public List<Buffer> feed(Buffer chunk) {
      pending.appendBuffer(chunk);
      List<Buffer> records = new ArrayList<>();
      int start = 0;
      while (true) {
        StringBuilder digits = new StringBuilder();
        int i = start;
        while (i < pending.length() && pending.getByte(i) != '\n') {
          digits.append(digit(pending.getByte(i) & 0xff, digits));
          i++;
        }
        if (i == pending.length()) {
          break;
        }
        int n = length(digits);
        if (pending.length() - (i + 1) < n) {
          break;
        }
        records.add(pending.getBuffer(i + 1, i + 1 + n));
        start = i + 1 + n;
      }
      pending = pending.getBuffer(start, pending.length());
      return records;
    }
  }
}
