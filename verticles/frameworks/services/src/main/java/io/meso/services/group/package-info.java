/**
 * Marathon's application groups over the services framework's apps. Meso stores apps only: a
 * group is the set of apps under an id path ({@code /prod} holds {@code /prod/web} and
 * {@code /prod/db/main}), so the tree of {@code GET /v2/groups} is built from the app ids
 * ({@link io.meso.services.group.GroupTree}) and a group exists while it holds an app (the root
 * always). {@link io.meso.services.group.GroupUpdates} turns a {@code POST}/{@code PUT
 * /v2/groups} body (nested apps and groups, or {@code scaleBy}) into the whole target set of apps,
 * which the runtime deploys as one deployment. What needs stored groups is refused with a 422
 * naming it: group-level {@code dependencies} (set them on the apps), rollback of a group to a
 * {@code version} (roll back each app), {@code pods}, {@code enforceRole: true}. Pure Java over
 * Vert.x's {@code JsonObject}: no event loop, no I/O.
 */
package io.meso.services.group;
