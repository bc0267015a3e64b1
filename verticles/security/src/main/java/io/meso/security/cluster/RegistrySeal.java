package io.meso.security.cluster;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Authenticates the masters' registry values: the seal of a value is HMAC-SHA256 under the
 * secret's {@link ClusterSecret#REGISTRY_VALUES} key over the section, the key, the fencing token
 * it was written with and the value's bytes (each length-prefixed, so no two different inputs
 * read the same). A member without the secret can still write the registry's Hazelcast maps, but
 * cannot make a seal that verifies, nor move a sealed value to another key or section.
 */
public final class RegistrySeal {

  private final byte[] key;

  public RegistrySeal(ClusterSecret secret) {
    this.key = secret.key(ClusterSecret.REGISTRY_VALUES);
  }

  /** The seal of a value written under {@code fence}. */
  public byte[] seal(String section, String entryKey, long fence, byte[] value) {
    return ClusterSecret.hmac(key, input(section, entryKey, fence, value));
  }

  /** Whether {@code seal} is the seal of this value (in constant time). */
  public boolean verifies(String section, String entryKey, long fence, byte[] value, byte[] seal) {
    return seal != null && value != null && MessageDigest.isEqual(seal(section, entryKey, fence, value), seal);
  }

  private static byte[] input(String section, String entryKey, long fence, byte[] value) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length + 64);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeUTF("meso-registry-v1");
      writeBytes(out, section.getBytes(StandardCharsets.UTF_8));
      writeBytes(out, entryKey.getBytes(StandardCharsets.UTF_8));
      out.writeLong(fence);
      writeBytes(out, value);
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }
}
