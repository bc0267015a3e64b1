/**
 * The allocator on the event bus: {@link io.meso.allocator.verticle.AllocatorVerticle} owns the
 * allocation core on one event loop, applies {@link io.meso.allocator.verticle.AllocatorCommand}s
 * sent by {@link io.meso.allocator.verticle.AllocatorClient} to
 * {@link io.meso.codecs.Addresses#ALLOCATOR}, batches them into runs, and sends each run's
 * offers as one {@link io.meso.allocator.verticle.AllocationBatch} to
 * {@link io.meso.codecs.Addresses#ALLOCATIONS}. All messages are local-only Java objects
 * ({@link io.meso.codecs.MesoCodecs#LOCAL}).
 */
package io.meso.allocator.verticle;
