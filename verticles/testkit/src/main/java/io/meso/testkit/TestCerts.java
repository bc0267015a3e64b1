package io.meso.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A certificate authority made at test time with the {@code openssl} command (EC P-256 keys,
 * valid two days), and certificates it issues for {@code IP:127.0.0.1} and {@code DNS:localhost},
 * usable by servers and clients alike. Tests make their own, in a temporary directory, so no key
 * ever sits in git.
 */
public final class TestCerts {

  private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime() & 0xffffffffL);

  /** A PEM certificate and its unencrypted PKCS#8 key. */
  public record Issued(Path cert, Path key) {}

  private final Path dir;
  private final Path caCert;
  private final Path caKey;

  private TestCerts(Path dir, Path caCert, Path caKey) {
    this.dir = dir;
    this.caCert = caCert;
    this.caKey = caKey;
  }

  /** A new CA named {@code name}, its files in {@code dir}. */
  public static TestCerts authority(Path dir, String name) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Path cert = dir.resolve(name + "-ca.pem");
    Path key = dir.resolve(name + "-ca.key");
    openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=" + name + " test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    return new TestCerts(dir, cert, key);
  }

  /** The CA's certificate (what clients and nodes trust). */
  public Path caCert() {
    return caCert;
  }

  /** A certificate for {@code 127.0.0.1} and {@code localhost}, signed by this CA, for servers and clients. */
  public Issued issue(String name) {
    Path key = dir.resolve(name + ".key");
    Path csr = dir.resolve(name + ".csr");
    Path cert = dir.resolve(name + ".pem");
    Path ext = dir.resolve(name + ".ext");
    try {
      Files.writeString(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
          + "extendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    openssl(dir, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + name);
    openssl(dir, "x509", "-req", "-in", csr.toString(), "-CA", caCert.toString(), "-CAkey", caKey.toString(),
        "-set_serial", String.valueOf(SERIAL.incrementAndGet()), "-days", "2", "-extfile", ext.toString(),
        "-out", cert.toString());
    return new Issued(cert, key);
  }

  /** A self-signed certificate for {@code 127.0.0.1} and {@code localhost} (no CA behind it). */
  public static Issued selfSigned(Path dir, String name) {
    Path key = dir.resolve(name + ".key");
    Path cert = dir.resolve(name + ".pem");
    openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=" + name,
        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
    return new Issued(cert, key);
  }

  private static void openssl(Path dir, String... args) {
    List<String> command = new ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("openssl did not finish: " + command);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException("openssl failed (" + p.exitValue() + "): " + command + "\n" + out);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run openssl (install the openssl package): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
