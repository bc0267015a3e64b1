/**
 * The Marathon wire form of an app: parsing a /v2/apps body into an {@link io.meso.services.app.App}
 * with Marathon's defaults and validation ({@link io.meso.services.app.json.AppJson}), rendering an
 * app as Marathon does ({@link io.meso.services.app.json.AppWriter}), and the PUT/PATCH update rules
 * ({@link io.meso.services.app.json.AppUpdates}, and {@link io.meso.services.app.json.AppBatch}
 * for the array forms).
 *
 * <p>A rejected body becomes a {@link io.meso.services.app.json.Rejection}: 400
 * {@code {"message":"Invalid JSON"}} when the text is not JSON, else 422
 * {@code {"message":"Object is not valid","details":[{"path":"/cpus","errors":[..]}]}} with paths in
 * Marathon's style ({@code /constraints(0)}, {@code /healthChecks(1)/protocol}, {@code /} for rules
 * about the whole app). Pure Java over Vert.x's {@code JsonObject}: no event loop, no I/O.
 */
package io.meso.services.app.json;
