package io.meso.api.http;

import io.meso.codecs.RecordIO;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1.1 exchange over a plain socket, read byte for byte: status line, headers, then
 * either a fixed-length body or, for a 200 SUBSCRIBE, the chunked body de-chunked and split
 * into RecordIO records by a reader thread (which keeps reading, so the master's heartbeats are
 * answered). Closing the socket is a subscriber going away.
 */
final class RawStream implements AutoCloseable {

  static final byte[] EOF = new byte[0];

  final Socket socket;
  final String statusLine;
  final int status;
  final Map<String, String> headers = new LinkedHashMap<>();
  private final InputStream in;
  final BlockingQueue<byte[]> records = new LinkedBlockingQueue<>();
  /** Every chunk's declared size and the record framing seen, for byte-level assertions. */
  final StringBuffer framing = new StringBuffer();
  byte[] body;

  private RawStream(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    statusLine = line();
    status = Integer.parseInt(statusLine.split(" ")[1]);
    String h;
    while (!(h = line()).isEmpty()) {
      int colon = h.indexOf(':');
      headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
    }
  }

  /** Sends a request with a body and the given headers (Host and Content-Length are added). */
  static RawStream post(int port, String path, Map<String, String> headers, byte[] body) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    StringBuilder head = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n");
    headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    OutputStream out = socket.getOutputStream();
    out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
    out.write(body);
    out.flush();
    RawStream s = new RawStream(socket);
    s.readBody();
    return s;
  }

  private void readBody() throws IOException {
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      Thread reader = new Thread(this::readRecords, "raw-recordio-reader");
      reader.setDaemon(true);
      reader.start();
    } else {
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      body = in.readNBytes(length);
    }
  }

  String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  private void readRecords() {
    try {
      InputStream chunks = new Dechunked();
      byte[] record;
      while ((record = RecordIO.read(chunks)) != null) {
        framing.append(record.length).append('\n');
        records.add(record);
      }
      throw new EOFException();
    } catch (IOException | IllegalArgumentException e) {
      framing.append("end: ").append(e.getClass().getSimpleName());
      records.add(EOF);
    }
  }

  /** The next record, waiting up to {@code timeout}; {@link #EOF} once the stream ended. */
  byte[] next(Duration timeout) throws InterruptedException {
    byte[] r = records.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (r == null) {
      throw new AssertionError("no record within " + timeout + "; framing so far: " + framing);
    }
    return r;
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != '\n') {
      if (c < 0) {
        throw new EOFException("connection closed in a header line after '" + b + "'");
      }
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.US_ASCII);
  }

  /** The chunked transfer coding undone, checking each chunk's CRLF. */
  private final class Dechunked extends InputStream {
    private int left;
    private boolean done;

    @Override
    public int read() throws IOException {
      if (done) {
        return -1;
      }
      if (left == 0) {
        String size = line().trim();
        int semi = size.indexOf(';');
        left = Integer.parseInt(semi < 0 ? size : size.substring(0, semi), 16);
        if (left == 0) {
          done = true;
          line();
          return -1;
        }
      }
      int c = in.read();
      if (c < 0) {
        throw new EOFException("connection closed inside a chunk");
      }
      if (--left == 0 && !line().isEmpty()) {
        throw new IOException("a chunk is not followed by CRLF");
      }
      return c;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
