package io.meso.security.tls;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * How a client verifies the master it talks to over TLS: the certificates of a CA file
 * ({@code --ca-cert}, env {@code MESO_CA_CERT}), or the JVM's default trust store when the master
 * is given as {@code https://} without a CA. The master's certificate must be signed by a trusted
 * CA and name the host the client dialled (host-name verification is always on). Also explains
 * TLS failures in words a user can act on ({@link #explain}).
 */
public final class ClientTls {

  public static final String CA_FLAG = "--ca-cert";
  public static final String CA_ENV = "MESO_CA_CERT";

  private final Path caFile;
  private final byte[] caPem;

  ClientTls(Path caFile, byte[] caPem) {
    this.caFile = caFile;
    this.caPem = caPem;
  }

  /** Trusts the certificates of {@code --ca-cert FILE}. */
  public static ClientTls trusting(Path caFile) {
    return trusting(CA_FLAG, caFile);
  }

  /**
   * Trusts the certificates of a PEM file, checked now.
   *
   * @throws TlsConfigException naming the flag and the file when it is missing or holds no certificate
   */
  public static ClientTls trusting(String flag, Path caFile) {
    byte[] pem = PemFiles.read(flag, caFile);
    PemFiles.certificates(flag, caFile, pem);
    return new ClientTls(caFile, pem);
  }

  /** Trusts what the JVM trusts by default (public CAs). */
  public static ClientTls systemTrust() {
    return new ClientTls(null, null);
  }

  /** The CA file, or null for the JVM's default trust. */
  public Path caFile() {
    return caFile;
  }

  /** Vert.x trust options for the CA file, or null for the JVM's default trust. */
  public TrustOptions trustOptions() {
    return caPem == null ? null : new PemTrustOptions().addCertValue(Buffer.buffer(caPem));
  }

  /** TLS on an HTTP client: this trust, host-name verification, HTTP/2 or HTTP/1.1 by ALPN. */
  public HttpClientOptions apply(HttpClientOptions options) {
    options.setSsl(true).setUseAlpn(true).setVerifyHost(true);
    TrustOptions trust = trustOptions();
    if (trust != null) {
      options.setTrustOptions(trust);
    }
    return options;
  }

  /** An SSL context with this trust, for JDK clients ({@code java.net.http.HttpClient}). */
  public SSLContext sslContext() {
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (caPem == null) {
        factory.init((KeyStore) null);
      } else {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        List<X509Certificate> certs = PemFiles.certificates(CA_FLAG, caFile, caPem);
        for (int i = 0; i < certs.size(); i++) {
          store.setCertificateEntry("ca-" + i, certs.get(i));
        }
        factory.init(store);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new TlsConfigException("cannot build a TLS context trusting " + describe() + ": " + e.getMessage(), e);
    }
  }

  /** What this client trusts, in words. */
  public String describe() {
    return caFile == null ? "the JVM's default trust store" : "the CA in " + caFile;
  }

  /**
   * A failure to reach {@code where} explained when TLS is its cause (a certificate not trusted,
   * one that names another host, a server that does not speak TLS), else null. {@code tls} is the
   * client's trust, or null when the client spoke cleartext.
   */
  public static String explain(Throwable failure, ClientTls tls, String where) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = String.valueOf(t.getMessage());
      String lower = message.toLowerCase(Locale.ROOT);
      if (lower.contains("pkix path") || lower.contains("unable to find valid certification path")
          || lower.contains("certificate_unknown") || lower.contains("signature check failed")
          || lower.contains("no trusted certificate")) {
        return "the master at " + where + " presented a certificate that is not trusted by "
            + (tls == null ? "this client" : tls.describe()) + "; pass the CA that signed the master's certificate "
            + "with " + CA_FLAG + " FILE (or " + CA_ENV + "=FILE)";
      }
      if (lower.contains("no subject alternative") || lower.contains("doesn't match any of the subject")
          || lower.contains("no name matching")) {
        return "the master's certificate at " + where + " does not name that host (" + message + "); connect with "
            + "a host name or address its subjectAltName lists";
      }
      if (lower.contains("unsupported or unrecognized ssl message") || lower.contains("not an ssl/tls record")) {
        return "the master at " + where + " does not speak TLS (it serves cleartext); drop " + CA_FLAG
            + " and https:// to talk to it";
      }
    }
    // Nothing specific anywhere in the chain: a handshake failure all the same.
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SSLException) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause();
        }
        return "the TLS handshake with the master at " + where + " failed (" + root.getMessage() + "); check that "
            + CA_FLAG + " names the CA that signed the master's certificate";
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return "ClientTls[" + describe() + "]";
  }

}
