package io.meso.security.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.asn1.DERNull;

/**
 * Reads and checks PEM certificates and private keys, so that a bad file is refused when a node
 * starts, naming the flag and the file, rather than failing every handshake later. Keys may be
 * PKCS#8 ({@code BEGIN PRIVATE KEY}), PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}) or SEC1 EC
 * ({@code BEGIN EC PRIVATE KEY}), unencrypted, as Vert.x reads them.
 */
public final class PemFiles {

  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

  private PemFiles() {}

  /** A file's bytes, or a refusal naming the flag and the file when it is missing or unreadable. */
  public static byte[] read(String flag, Path file) {
    if (file == null) {
      throw new TlsConfigException(flag + " is missing: expected a PEM file");
    }
    if (!Files.exists(file)) {
      throw new TlsConfigException(flag + " " + file + ": no such file");
    }
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new TlsConfigException(flag + " " + file + ": not a readable file");
    }
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new TlsConfigException(flag + " " + file + ": cannot read it: " + e.getMessage(), e);
    }
  }

  /** The certificates of a PEM file (a chain or a CA bundle): at least one, each currently valid. */
  public static List<X509Certificate> certificates(String flag, Path file, byte[] pem) {
    List<X509Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (byte[] der : blocks(pem, "CERTIFICATE")) {
        certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (CertificateException e) {
      throw new TlsConfigException(flag + " " + file + ": a certificate in it cannot be read (" + e.getMessage()
          + "); expected PEM certificates (-----BEGIN CERTIFICATE-----)", e);
    }
    if (certs.isEmpty()) {
      throw new TlsConfigException(flag + " " + file + ": no certificate in it; expected PEM certificates "
          + "(-----BEGIN CERTIFICATE-----)" + (new String(pem, StandardCharsets.US_ASCII).contains("PRIVATE KEY")
              ? " (it holds a private key: was it given for the key?)" : ""));
    }
    for (X509Certificate cert : certs) {
      try {
        cert.checkValidity();
      } catch (CertificateExpiredException e) {
        throw new TlsConfigException(flag + " " + file + ": the certificate " + cert.getSubjectX500Principal()
            + " expired on " + cert.getNotAfter().toInstant() + "; expected a currently valid certificate");
      } catch (CertificateNotYetValidException e) {
        throw new TlsConfigException(flag + " " + file + ": the certificate " + cert.getSubjectX500Principal()
            + " is not valid before " + cert.getNotBefore().toInstant() + "; expected a currently valid certificate");
      }
    }
    return certs;
  }

  /** The one private key of a PEM file (unencrypted PKCS#8, PKCS#1 RSA or SEC1 EC). */
  public static PrivateKey privateKey(String flag, Path file, byte[] pem) {
    String text = new String(pem, StandardCharsets.US_ASCII);
    if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.contains("Proc-Type: 4,ENCRYPTED")) {
      throw new TlsConfigException(flag + " " + file + ": the private key is encrypted; expected an unencrypted "
          + "PEM key (e.g. openssl pkey -in " + file + " -out key.pem)");
    }
    List<byte[]> pkcs8 = blocks(pem, "PRIVATE KEY");
    List<byte[]> rsa = blocks(pem, "RSA PRIVATE KEY");
    List<byte[]> ec = blocks(pem, "EC PRIVATE KEY");
    int count = pkcs8.size() + rsa.size() + ec.size();
    if (count != 1) {
      throw new TlsConfigException(flag + " " + file + ": " + (count == 0 ? "no private key in it" : count
          + " private keys in it") + "; expected one PEM private key (-----BEGIN PRIVATE KEY-----, "
          + "-----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)"
          + (count == 0 && text.contains("BEGIN CERTIFICATE") ? " (it holds a certificate: was it given for the "
              + "certificate?)" : ""));
    }
    try {
      PrivateKeyInfo info;
      if (!pkcs8.isEmpty()) {
        info = PrivateKeyInfo.getInstance(pkcs8.get(0));
      } else if (!rsa.isEmpty()) {
        info = new PrivateKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
            ASN1Primitive.fromByteArray(rsa.get(0)));
      } else {
        ECPrivateKey sec1 = ECPrivateKey.getInstance(ec.get(0));
        info = new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, sec1.getParametersObject()),
            sec1);
      }
      String algorithm = keyAlgorithm(info);
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new TlsConfigException(flag + " " + file + ": the private key cannot be read (" + e.getMessage()
          + "); expected an unencrypted RSA, EC or Ed25519 PEM key", e);
    }
  }

  /**
   * Refuses a key that does not belong to the certificate: signs a random challenge with the key
   * and checks it against the certificate's public key.
   */
  public static void requireMatch(String certFlag, Path certFile, X509Certificate cert, String keyFlag, Path keyFile,
      PrivateKey key) {
    PublicKey pub = cert.getPublicKey();
    String mismatch = keyFlag + " " + keyFile + " is not the private key of the certificate in " + certFlag + " "
        + certFile + " (" + cert.getSubjectX500Principal() + "); expected the key the certificate was issued for";
    if (!pub.getAlgorithm().equals(key.getAlgorithm())
        && !(pub.getAlgorithm().startsWith("Ed") && key.getAlgorithm().startsWith("Ed"))) {
      throw new TlsConfigException(mismatch + " (a " + key.getAlgorithm() + " key, a " + pub.getAlgorithm()
          + " certificate)");
    }
    try {
      String algorithm = switch (key.getAlgorithm()) {
        case "RSA" -> "SHA256withRSA";
        case "EC" -> "SHA256withECDSA";
        default -> key.getAlgorithm();
      };
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(pub);
      verifier.update(challenge);
      if (!verifier.verify(signature)) {
        throw new TlsConfigException(mismatch);
      }
    } catch (GeneralSecurityException e) {
      throw new TlsConfigException(mismatch + " (" + e.getMessage() + ")", e);
    }
  }

  private static String keyAlgorithm(PrivateKeyInfo info) {
    String oid = info.getPrivateKeyAlgorithm().getAlgorithm().getId();
    if (oid.equals(PKCSObjectIdentifiers.rsaEncryption.getId())) {
      return "RSA";
    }
    if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey.getId())) {
      return "EC";
    }
    if (oid.equals("1.3.101.112")) {
      return "Ed25519";
    }
    if (oid.equals("1.3.101.113")) {
      return "Ed448";
    }
    throw new IllegalArgumentException("unsupported key algorithm " + oid);
  }

  /** The DER contents of every PEM block of this type. */
  static List<byte[]> blocks(byte[] pem, String type) {
    List<byte[]> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(new String(pem, StandardCharsets.US_ASCII));
    while (m.find()) {
      if (m.group(1).equals(type)) {
        out.add(Base64.getMimeDecoder().decode(m.group(2)));
      }
    }
    return out;
  }
}
