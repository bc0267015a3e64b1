package io.meso.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Supplies option values that were not given on the command line, in the order
 * environment variable, then config file, then the option's own default (so the full
 * precedence is flag > env > file > default).
 *
 * <p>An option {@code --agent-ping-interval} of {@code meso master} is read from
 * {@code MESO_MASTER_AGENT_PING_INTERVAL}, then {@code MESO_AGENT_PING_INTERVAL}, then the
 * config file keys {@code master.agent-ping-interval} and {@code agent-ping-interval}: the
 * command-scoped name wins, so a shared file can say {@code run.cpus=1} without touching other
 * commands. The config file is a Java properties file named by {@code MESO_CONFIG}, else
 * {@code ./meso.properties} if present.
 */
public final class MesoDefaults implements IDefaultValueProvider {

  private final Map<String, String> env;
  private final Properties file;

  public MesoDefaults() {
    this(System.getenv());
  }

  MesoDefaults(Map<String, String> env) {
    this.env = env;
    this.file = loadFile(env);
  }

  private static Properties loadFile(Map<String, String> env) {
    Properties props = new Properties();
    String configured = env.get("MESO_CONFIG");
    Path path = configured != null ? Path.of(configured) : Path.of("meso.properties");
    if (!Files.isRegularFile(path)) {
      if (configured != null) {
        throw new IllegalArgumentException("MESO_CONFIG names '" + configured + "', which is not a readable file; "
            + "point it at a properties file or unset it");
      }
      return props;
    }
    try (Reader reader = Files.newBufferedReader(path)) {
      props.load(reader);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file '" + path + "': " + e.getMessage(), e);
    }
    return props;
  }

  @Override
  public String defaultValue(ArgSpec argSpec) {
    if (!(argSpec instanceof OptionSpec option)) {
      return argSpec.defaultValue();
    }
    String key = option.longestName().replaceFirst("^-+", "");
    String command = option.command() == null ? null : option.command().name();
    String scopedKey = command == null || command.equals("meso") ? null : command + "." + key;
    for (String candidate : scopedKey == null ? new String[] {key} : new String[] {scopedKey, key}) {
      String fromEnv = env.get("MESO_" + candidate.toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_'));
      if (fromEnv != null) {
        return fromEnv;
      }
    }
    for (String candidate : scopedKey == null ? new String[] {key} : new String[] {scopedKey, key}) {
      String fromFile = file.getProperty(candidate);
      if (fromFile != null) {
        return fromFile.trim();
      }
    }
    return option.defaultValue();
  }
}
