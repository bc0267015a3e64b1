/**
 * Job schedules, free of I/O and of the system clock: Chronos's ISO 8601 repeating intervals
 * ({@code R[n]/[start]/period}), 5-field Vixie cron with {@code @daily}-style shorthands, the
 * wall-clock rules for daylight-saving gaps and overlaps ({@link io.meso.jobs.schedule.WallClock}),
 * and the missed-run policies that turn "what was due while nobody looked" into launches. Every
 * method takes the instants it needs; the runtime passes its clock's {@code now}.
 */
package io.meso.jobs.schedule;
