/**
 * Where the services framework keeps what must survive a master failover: the Hazelcast registry
 * of the masters ({@link io.meso.ha.Registry}), in sections of its own, every write fenced with
 * the token of the leader that runs the framework, so a deposed leader's framework cannot write.
 *
 * <table>
 *   <caption>Sections and keys</caption>
 *   <tr><th>section</th><th>key</th><th>value (JSON, {@link io.meso.services.store.StoreCodec})</th></tr>
 *   <tr><td>{@value io.meso.services.store.ServicesStore#FRAMEWORK}</td><td>{@code id}</td>
 *       <td>the framework id the framework subscribes with again</td></tr>
 *   <tr><td>{@value io.meso.services.store.ServicesStore#APPS}</td><td>app id</td>
 *       <td>{@link io.meso.services.store.StoredApp}: the current definition and every stored version</td></tr>
 *   <tr><td>{@value io.meso.services.store.ServicesStore#DEPLOYMENTS}</td><td>deployment id</td>
 *       <td>{@link io.meso.services.store.StoredDeployment}: the plan and how far it got</td></tr>
 *   <tr><td>{@value io.meso.services.store.ServicesStore#INSTANCES}</td><td>instance id</td>
 *       <td>{@link io.meso.services.store.StoredInstance}: its task, agent, app version, last state and health</td></tr>
 *   <tr><td>{@value io.meso.services.store.ServicesStore#LAUNCHES}</td><td>app id</td>
 *       <td>{@link io.meso.services.store.StoredLaunches}: instances waiting for offers, and the launch backoff</td></tr>
 * </table>
 *
 * <p>Writes leave in order per key, at most one at a time, a newer value replacing one still
 * waiting ({@link io.meso.services.store.OrderedWrites}); the runtime waits for
 * {@link io.meso.services.store.ServicesStore#barrier} before it tells the master anything that
 * follows from a change (a launch, a kill, an acknowledgement) or answers an API call, so whatever
 * the master or a client saw is in the store when the leader dies. A refused write (a newer leader
 * wrote) or a failed one stops the store: every later write is refused and the framework stops.
 */
package io.meso.services.store;
