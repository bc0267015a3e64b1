package io.meso.security.tls;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Mutual TLS between Meso nodes on the clustered event bus ({@code --cluster-tls-cert},
 * {@code --cluster-tls-key}, {@code --cluster-tls-ca}): each node presents its certificate, and
 * accepts a connection, either way, only from a peer whose certificate the CA signed. Hazelcast
 * membership alone then gets a stranger nothing on the event bus: it can neither open a
 * connection to a node (no certificate the CA signed) nor accept one from a node (the node checks
 * the stranger's certificate too). Host names are not checked: the CA is the membership list.
 */
public final class MutualTls {

  public static final String CERT_FLAG = "--cluster-tls-cert";
  public static final String KEY_FLAG = "--cluster-tls-key";
  public static final String CA_FLAG = "--cluster-tls-ca";

  private final ServerTls own;
  private final Path caFile;
  private final byte[] caPem;

  private MutualTls(ServerTls own, Path caFile, byte[] caPem) {
    this.own = own;
    this.caFile = caFile;
    this.caPem = caPem;
  }

  /** Loads the three cluster flags' files. */
  public static MutualTls load(Path cert, Path key, Path ca) {
    return load(CERT_FLAG, cert, KEY_FLAG, key, CA_FLAG, ca);
  }

  /**
   * Loads and checks this node's certificate and key and the CA, and that the CA signed this
   * node's certificate (else no peer would accept it).
   *
   * @throws TlsConfigException naming the flag, the file and what was expected
   */
  public static MutualTls load(String certFlag, Path cert, String keyFlag, Path key, String caFlag, Path ca) {
    if (ca == null) {
      throw new TlsConfigException(caFlag + " is missing: mutual TLS between nodes needs the CA that signs every "
          + "node's certificate, with " + certFlag + " and " + keyFlag);
    }
    ServerTls own = ServerTls.load(certFlag, cert, keyFlag, key);
    byte[] caPem = PemFiles.read(caFlag, ca);
    List<X509Certificate> authorities = PemFiles.certificates(caFlag, ca, caPem);
    List<X509Certificate> chain = PemFiles.certificates(certFlag, cert, PemFiles.read(certFlag, cert));
    X509Certificate top = chain.get(chain.size() - 1);
    if (!signedByAny(top, authorities)) {
      throw new TlsConfigException(certFlag + " " + cert + " (" + own.certificate().getSubjectX500Principal()
          + ") is not signed by a CA in " + caFlag + " " + ca + "; expected a certificate issued by that CA, or "
          + "other nodes would refuse it");
    }
    return new MutualTls(own, ca, caPem);
  }

  private static boolean signedByAny(X509Certificate cert, List<X509Certificate> authorities) {
    for (X509Certificate authority : authorities) {
      if (authority.equals(cert)) {
        return true;
      }
      try {
        cert.verify(authority.getPublicKey());
        return true;
      } catch (GeneralSecurityException e) {
        // not this one
      }
    }
    return false;
  }

  /** This node's certificate and key as Vert.x options. */
  public io.vertx.core.net.PemKeyCertOptions keyCertOptions() {
    return own.keyCertOptions();
  }

  /** The CA as Vert.x trust options. */
  public PemTrustOptions trustOptions() {
    return new PemTrustOptions().addCertValue(Buffer.buffer(caPem));
  }

  /** Mutual TLS on the event bus: this node's certificate, the CA's trust, client certificates required. */
  public EventBusOptions apply(EventBusOptions options) {
    return options.setSsl(true)
        .setKeyCertOptions(own.keyCertOptions())
        .setTrustOptions(trustOptions())
        .setClientAuth(ClientAuth.REQUIRED);
  }

  public Path certFile() {
    return own.certFile();
  }

  public Path caFile() {
    return caFile;
  }

  @Override
  public String toString() {
    return "MutualTls[cert=" + own.certFile() + ", ca=" + caFile + "]";
  }
}
