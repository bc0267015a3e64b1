package io.meso.master;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Byte layouts of registry values: a protobuf message (FrameworkInfo, AgentInfo) with one
 * string beside it (a framework's events address, empty while disconnected; an agent's status).
 * The sections {@link Registry#ROLES} and {@link Registry#MAINTENANCE} hold plain protobufs of
 * the operator API (SetWeightsRequest, SetQuotaRequest, DrainAgentRequest).
 */
public final class RegistryEntries {

  private RegistryEntries() {}

  /** Key of the role weights in {@link Registry#ROLES}: a SetWeightsRequest listing every weight set. */
  public static final String WEIGHTS_KEY = "weights";
  /** Key of the quotas in {@link Registry#ROLES}: a SetQuotaRequest listing every role's quota. */
  public static final String QUOTAS_KEY = "quotas";

  /** A protobuf message's bytes and a label. */
  public record Entry(byte[] message, String label) {}

  public static byte[] encode(byte[] message, String label) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(message.length + 64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(1);
      out.writeUTF(label == null ? "" : label);
      out.writeInt(message.length);
      out.write(message);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static Entry decode(byte[] value) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
      int version = in.readByte();
      if (version != 1) {
        throw new IllegalArgumentException("registry entry version is " + version + "; this master reads version 1");
      }
      String label = in.readUTF();
      byte[] message = new byte[in.readInt()];
      in.readFully(message);
      return new Entry(message, label);
    } catch (IOException e) {
      throw new IllegalArgumentException("registry entry is truncated: " + e.getMessage(), e);
    }
  }
}
