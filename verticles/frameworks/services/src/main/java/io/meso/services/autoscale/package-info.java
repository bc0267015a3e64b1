/**
 * Scaling apps by their cpu load ({@link io.meso.services.app.AutoscalePolicy}), the parts that
 * need no cluster: an instance's utilisation from its agent's usage samples
 * ({@link io.meso.services.autoscale.CpuUtilization}), and the instance count to run from the
 * instances' utilisation with Kubernetes' HorizontalPodAutoscaler rule, tolerance and
 * stabilisation windows ({@link io.meso.services.autoscale.Recommender}, whose outcome is an
 * {@link io.meso.services.autoscale.AutoscaleDecision}). The runtime's {@code Autoscaler} fetches the
 * samples through the client SDK and carries the decisions out as ordinary scale changes.
 */
package io.meso.services.autoscale;
