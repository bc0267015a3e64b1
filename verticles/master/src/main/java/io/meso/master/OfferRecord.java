package io.meso.master;

import io.meso.allocator.Resources;
import io.meso.v1.Offer;

/**
 * An outstanding offer: made to a framework, neither accepted, declined nor rescinded yet.
 * {@code offeredAt} and {@code expiresAt} are seconds since the epoch; {@code expiresAt} is 0
 * when the master has no offer timeout.
 */
record OfferRecord(String id, String frameworkId, String agentId, String role, Resources resources, Offer offer,
    double offeredAt, double expiresAt) {}
