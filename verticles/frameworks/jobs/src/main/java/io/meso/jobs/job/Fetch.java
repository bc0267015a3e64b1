package io.meso.jobs.job;

/**
 * A URI the agent fetches into the sandbox (Chronos's {@code fetch} entry; Mesos CommandInfo.URI).
 * {@code outputFile} is "" when not given and then not rendered, as in Chronos.
 */
public record Fetch(String uri, boolean executable, boolean cache, boolean extract,
    String outputFile) {}
