package io.meso.cli;

import io.meso.agent.AgentOptions;
import picocli.CommandLine.Option;

/** The agent's flags shared by {@code meso agent} and {@code meso local}. */
final class AgentFlags {

  @Option(names = "--work-dir", description = "Agent work directory for sandboxes and checkpoints "
      + "(default: <tmp>/meso/agent-<agent port>).")
  String workDir;

  @Option(names = "--resources", description = "Agent resources overriding detection, e.g. \"cpus:4;mem:8192;ports:[31000-32000]\".")
  String resources;

  @Option(names = "--attributes", description = "Agent attributes, e.g. \"rack:r1;zone:a\".")
  String attributes;

  /** Options for an agent advertising {@code host:port}, with these flags applied. */
  AgentOptions toAgentOptions(String host, int port) {
    AgentOptions options = new AgentOptions().setHostname(host).setPort(port);
    if (workDir != null) {
      options.setWorkDir(workDir);
    }
    if (resources != null) {
      try {
        io.meso.allocator.Resources.parse(resources);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--resources \"" + resources + "\": " + e.getMessage(), e);
      }
      options.setResources(resources);
    }
    if (attributes != null) {
      try {
        io.meso.agent.AgentAttributes.parse(attributes);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--attributes \"" + attributes + "\": " + e.getMessage(), e);
      }
      options.setAttributes(attributes);
    }
    return options;
  }
}
