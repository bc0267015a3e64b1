package io.meso.codecs;

/**
 * The ports Meso listens on when none is given, as in Mesos: every option class, CLI flag and
 * address parser takes its default from here.
 */
public final class DefaultPorts {

  private DefaultPorts() {}

  /** The master's HTTP and gRPC port (scheduler, operator and web UI): Mesos's 5050. */
  public static final int MASTER = 5050;
  /** The port an agent advertises: Mesos's 5051. */
  public static final int AGENT = 5051;
  /** The first Hazelcast member port tried (the event bus and registry cluster): Hazelcast's 5701. */
  public static final int CLUSTER = 5701;
}
