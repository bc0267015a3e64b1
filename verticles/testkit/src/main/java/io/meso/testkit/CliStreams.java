package io.meso.testkit;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Captures System.out and System.err while a CLI command runs in-process. */
public final class CliStreams implements AutoCloseable {

  private final PrintStream oldOut = System.out;
  private final PrintStream oldErr = System.err;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  public CliStreams() {
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  public String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  public String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    System.setOut(oldOut);
    System.setErr(oldErr);
  }
}
