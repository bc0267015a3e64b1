package io.meso.master;

import io.meso.allocator.Resources;
import io.meso.v1.Offer;

/** An outstanding offer: made to a framework, neither accepted, declined nor rescinded yet. */
record OfferRecord(String id, String frameworkId, String agentId, String role, Resources resources, Offer offer) {}
