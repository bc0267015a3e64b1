package io.meso.allocator.verticle;

import io.meso.allocator.Allocation;
import io.meso.allocator.Allocator;
import io.meso.allocator.AllocatorOptions;
import io.meso.allocator.HierarchicalAllocator;
import io.meso.codecs.Addresses;
import io.meso.codecs.MesoCodecs;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The allocator verticle: owns one {@link Allocator} (single-threaded, on this verticle's
 * event loop), applies {@link AllocatorCommand}s from {@link Addresses#ALLOCATOR}, and sends
 * each non-empty run's offers as one {@link AllocationBatch} to {@link Addresses#ALLOCATIONS}.
 *
 * <p>Batching: a command that marks candidate agents schedules one run with
 * {@code runOnContext} unless one is already pending, so commands already queued on the event
 * loop are folded into that run. A periodic timer every allocation interval marks all agents
 * candidates and runs (this is what re-offers resources once decline filters expire).
 */
public final class AllocatorVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(AllocatorVerticle.class);

  private final AllocatorOptions options;
  private final Allocator allocator;
  private MessageConsumer<Object> consumer;
  private long timerId = -1;
  private boolean runPending;

  private volatile long lastRunNanos;
  private volatile long runCount;
  private volatile long offerCount;
  private volatile long totalRunNanos;
  private volatile long maxRunNanos;

  public AllocatorVerticle(AllocatorOptions options) {
    this(options, new HierarchicalAllocator(options));
  }

  /** With a given allocation core (tests, or another {@link Allocator} implementation). */
  public AllocatorVerticle(AllocatorOptions options, Allocator allocator) {
    this.options = new AllocatorOptions(options);
    this.allocator = allocator;
  }

  @Override
  public Future<?> start() {
    consumer = vertx.eventBus().localConsumer(Addresses.ALLOCATOR, this::handle);
    timerId = vertx.setPeriodic(options.getAllocationInterval().toMillis(), id -> {
      allocator.markAllCandidates();
      run();
    });
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timerId);
    return consumer.unregister();
  }

  /**
   * The allocation core. Not thread-safe: use it only on this verticle's {@link #context()}
   * (tests, metrics gauges that hop onto the context).
   */
  public Allocator allocator() {
    return allocator;
  }

  /** The verticle's context, to run code next to the allocator. */
  public Context context() {
    return context;
  }

  /** Duration of the last allocation run, in nanoseconds. */
  public long lastRunNanos() {
    return lastRunNanos;
  }

  /** Allocation runs so far (timer and event-triggered). */
  public long runCount() {
    return runCount;
  }

  /** Summed duration of all allocation runs so far, in nanoseconds (mean = this / {@link #runCount()}). */
  public long totalRunNanos() {
    return totalRunNanos;
  }

  /** Duration of the longest allocation run so far, in nanoseconds. */
  public long maxRunNanos() {
    return maxRunNanos;
  }

  /** Allocations (offers) made so far. */
  public long offerCount() {
    return offerCount;
  }

  private void handle(Message<Object> message) {
    if (message.body() instanceof AllocatorQuery query) {
      message.reply(query.ask(allocator), MesoCodecs.LOCAL);
      return;
    }
    if (!(message.body() instanceof AllocatorCommand command)) {
      LOG.warn("ignoring message that is not an AllocatorCommand address={} type={}", Addresses.ALLOCATOR,
          message.body() == null ? null : message.body().getClass().getName());
      return;
    }
    try {
      command.apply(allocator, System.nanoTime());
    } catch (RuntimeException e) {
      LOG.warn("allocator command failed command={} error={}", command, e.getMessage());
      return;
    }
    if (!runPending && allocator.hasCandidates()) {
      runPending = true;
      context.runOnContext(v -> {
        runPending = false;
        run();
      });
    }
  }

  private void run() {
    long start = System.nanoTime();
    List<Allocation> allocations = allocator.allocate(start);
    long took = System.nanoTime() - start;
    lastRunNanos = took;
    totalRunNanos += took;
    maxRunNanos = Math.max(maxRunNanos, took);
    runCount++;
    offerCount += allocations.size();
    LOG.debug("allocation run offers={} runMicros={}", allocations.size(), took / 1000);
    if (!allocations.isEmpty()) {
      vertx.eventBus().send(Addresses.ALLOCATIONS, new AllocationBatch(allocations, took), MesoCodecs.LOCAL);
    }
  }
}
