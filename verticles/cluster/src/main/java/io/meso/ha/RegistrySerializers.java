package io.meso.ha;

import com.hazelcast.config.Config;
import com.hazelcast.config.SerializerConfig;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.StreamSerializer;
import java.io.IOException;

/**
 * Hazelcast serializers for what the registry and the election store and send: {@link
 * Registry.Fenced} values, the entry processors {@link Registry.FencedPut} and {@link
 * Registry.RaiseTo}, and {@link LeaderElection.LeaderRecord}. Without them Hazelcast falls back to
 * Java serialization, whose reflective code is slow and, never run before, had to be compiled
 * while a newly elected leader claimed the registry. Every member (masters and agents alike)
 * registers them through {@link #register}, which {@code MesoCluster.hazelcastConfig} calls through
 * the {@link Configurer} service.
 */
public final class RegistrySerializers {

  /** Found by {@code MesoCluster} via {@code META-INF/services/io.meso.cluster.ClusterConfigurer}. */
  public static final class Configurer implements io.meso.cluster.ClusterConfigurer {
    @Override
    public void configure(Config config) {
      register(config);
    }
  }

  // Type ids: positive, unique within the cluster's custom serializers.
  static final int FENCED = 4201;
  static final int FENCED_PUT = 4202;
  static final int RAISE_TO = 4203;
  static final int LEADER_RECORD = 4204;

  private RegistrySerializers() {}

  public static Config register(Config config) {
    config.getSerializationConfig()
        .addSerializerConfig(new SerializerConfig().setTypeClass(Registry.Fenced.class).setImplementation(new FencedSerializer()))
        .addSerializerConfig(new SerializerConfig().setTypeClass(Registry.FencedPut.class)
            .setImplementation(new FencedPutSerializer()))
        .addSerializerConfig(new SerializerConfig().setTypeClass(Registry.RaiseTo.class)
            .setImplementation(new RaiseToSerializer()))
        .addSerializerConfig(new SerializerConfig().setTypeClass(LeaderElection.LeaderRecord.class)
            .setImplementation(new LeaderRecordSerializer()));
    return config;
  }

  static final class FencedSerializer implements StreamSerializer<Registry.Fenced> {
    @Override
    public void write(ObjectDataOutput out, Registry.Fenced fenced) throws IOException {
      out.writeLong(fenced.fence());
      out.writeByteArray(fenced.value());
      out.writeLong(fenced.sealedAt());
      out.writeByteArray(fenced.seal());
    }

    @Override
    public Registry.Fenced read(ObjectDataInput in) throws IOException {
      return new Registry.Fenced(in.readLong(), in.readByteArray(), in.readLong(), in.readByteArray());
    }

    @Override
    public int getTypeId() {
      return FENCED;
    }
  }

  static final class FencedPutSerializer implements StreamSerializer<Registry.FencedPut> {
    @Override
    public void write(ObjectDataOutput out, Registry.FencedPut put) throws IOException {
      out.writeLong(put.fence);
      out.writeByteArray(put.value);
      out.writeBoolean(put.claimOnly);
      out.writeLong(put.floor);
      out.writeByteArray(put.seal);
    }

    @Override
    public Registry.FencedPut read(ObjectDataInput in) throws IOException {
      long fence = in.readLong();
      byte[] value = in.readByteArray();
      boolean claimOnly = in.readBoolean();
      long floor = in.readLong();
      return new Registry.FencedPut(fence, value, claimOnly, floor, in.readByteArray());
    }

    @Override
    public int getTypeId() {
      return FENCED_PUT;
    }
  }

  static final class RaiseToSerializer implements StreamSerializer<Registry.RaiseTo> {
    @Override
    public void write(ObjectDataOutput out, Registry.RaiseTo raise) throws IOException {
      out.writeLong(raise.fence);
    }

    @Override
    public Registry.RaiseTo read(ObjectDataInput in) throws IOException {
      return new Registry.RaiseTo(in.readLong());
    }

    @Override
    public int getTypeId() {
      return RAISE_TO;
    }
  }

  static final class LeaderRecordSerializer implements StreamSerializer<LeaderElection.LeaderRecord> {
    @Override
    public void write(ObjectDataOutput out, LeaderElection.LeaderRecord leader) throws IOException {
      out.writeString(leader.address());
      out.writeString(leader.candidateId());
      out.writeLong(leader.fence());
    }

    @Override
    public LeaderElection.LeaderRecord read(ObjectDataInput in) throws IOException {
      return new LeaderElection.LeaderRecord(in.readString(), in.readString(), in.readLong());
    }

    @Override
    public int getTypeId() {
      return LEADER_RECORD;
    }
  }
}
