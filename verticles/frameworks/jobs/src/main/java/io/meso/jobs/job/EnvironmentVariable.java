package io.meso.jobs.job;

/** One {@code environmentVariables} entry: {@code {"name":..,"value":..}}. */
public record EnvironmentVariable(String name, String value) {}
