/**
 * The services framework: runs long-lived services (Marathon-style apps) on the cluster and
 * serves a Marathon-compatible /v2 API. It is an ordinary framework: it reaches the master only
 * through the client SDK ({@code io.meso.scheduler}). Sub-packages: {@code app} (the app
 * definition, its JSON and validation), {@code placement} (constraints, offer matching, queue
 * statistics, kill order, launch backoff), {@code deploy} (deployment plans, their progress from
 * instance facts to commands, locks and cancel), {@code group} (groups as the tree of app ids,
 * group updates as changes of the whole set of apps), {@code autoscale} (an app's instance count
 * from its instances' cpu utilisation, Kubernetes HPA style), {@code runtime} (the framework verticle that
 * carries it all out over the client SDK, state in memory for now) and {@code api} (the /v2 HTTP
 * routes).
 */
package io.meso.services;
