/**
 * Bad input as tables: one fixture ({@link io.meso.doors.BadInputFixture}) runs a master, an
 * agent and the API server in one JVM and sends one call through each {@link io.meso.doors.Door}
 * (scheduler and operator HTTP, gRPC, event bus); the table tests run each row over every door it
 * applies to and check the refusal names the field, the value and what is allowed, and that the
 * master keeps what it accepted before.
 */
package io.meso.doors;
