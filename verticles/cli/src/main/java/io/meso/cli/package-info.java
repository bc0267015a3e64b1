/**
 * The {@code meso} command and the one place that wires the modules together: {@code meso local},
 * {@code master} and {@code agent} start nodes ({@link io.meso.cli.Nodes} deploys a master with
 * its allocator, API server and web UI, or an agent with its executor); {@code meso run},
 * {@code tasks} and {@code kill} talk to a running master through the client SDK;
 * {@code meso bench} runs the launch benchmark. Options come from flags, {@code MESO_*}
 * environment variables or a config file ({@link io.meso.cli.MesoDefaults}).
 */
package io.meso.cli;
