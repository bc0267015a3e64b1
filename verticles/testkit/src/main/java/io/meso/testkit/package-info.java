/**
 * Helpers the modules' tests share, and their logging configuration ({@code logback-test.xml}):
 * {@link io.meso.testkit.OnContext} starts client calls on one Vert.x context,
 * {@link io.meso.testkit.CliStreams} captures a CLI command's output,
 * {@link io.meso.testkit.Fifos} makes named pipes. Used at test scope only.
 */
package io.meso.testkit;
