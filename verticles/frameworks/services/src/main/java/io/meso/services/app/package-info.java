/**
 * The app definition of the services framework: an immutable model of a Marathon app
 * ({@link io.meso.services.app.App} and its parts), its id rules ({@link io.meso.services.app.PathId})
 * and how a change is classified ({@link io.meso.services.app.AppChange}) for {@code versionInfo}.
 *
 * <p>Pure Java: no event loop and no I/O. Fields Meso does not interpret yet ({@code container},
 * {@code networks}) are kept as the JSON the user sent so they survive a round trip. The wire form,
 * with Marathon's defaults and validation, lives in {@code io.meso.services.app.json}.
 */
package io.meso.services.app;
