package io.meso.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code meso} command: starts masters and agents, or talks to a running master.
 * Every option can also come from a {@code MESO_*} environment variable or a config file
 * (see {@link MesoDefaults}).
 */
@Command(
    name = "meso",
    mixinStandardHelpOptions = true,
    versionProvider = Meso.Version.class,
    defaultValueProvider = MesoDefaults.class,
    description = "Meso: a cluster resource manager. Start a master and agents, then run tasks on them.",
    subcommands = {
        LocalCommand.class,
        MasterCommand.class,
        AgentCommand.class,
        RunCommand.class,
        TasksCommand.class,
        KillCommand.class,
        LogsCommand.class,
        AgentsCommand.class,
        BenchCommand.class,
        HashPasswordCommand.class,
        io.meso.cli.services.AppsCommand.class,
        io.meso.cli.services.AppCommand.class,
        io.meso.cli.services.DeploymentsCommand.class,
        io.meso.cli.jobs.JobsCommand.class,
        io.meso.cli.jobs.JobCommand.class,
        CommandLine.HelpCommand.class
    })
public final class Meso implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code (for tests). */
  public static int run(String... args) {
    CommandLine cli = commandLine();
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("meso: " + e.getMessage());
      return 2;
    });
    return cli.execute(args);
  }

  /**
   * The command line with every command's options, mixins' included, read from MESO_* variables
   * or the config file when not given (an annotation on one command covers only that command).
   */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Meso());
    cli.setDefaultValueProvider(new MesoDefaults());
    return cli;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Version from the jar manifest, else "dev". */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"meso " + io.meso.codecs.MesoVersion.current()};
    }
  }
}
