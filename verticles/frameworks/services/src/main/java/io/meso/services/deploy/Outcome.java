package io.meso.services.deploy;

import java.util.List;

/** What one deployment answered: the commands for the runtime to carry out, in order. */
public record Outcome(Deployment deployment, List<Command> commands) {

  public Outcome {
    commands = List.copyOf(commands);
  }
}
