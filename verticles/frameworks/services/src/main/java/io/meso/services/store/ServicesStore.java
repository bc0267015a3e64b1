package io.meso.services.store;

import io.meso.ha.Registry;
import io.meso.services.app.PathId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The services framework's state in the masters' registry, under the fence of the leader it runs
 * with (see the package description for the sections). A new leader {@link #load loads} it once,
 * claiming every section with its fence; from then on the framework saves each changed record;
 * writes leave in order per key and asynchronously ({@link OrderedWrites}), and {@link #barrier}
 * says when all of them are in. The first refused or failed write stops the store, and the
 * framework with it ({@link #onStop}).
 *
 * <p>The save methods encode on the calling thread (the framework's event loop: small JSON
 * values) and return at once; the registry's asynchronous API does the rest.
 */
public final class ServicesStore {

  private static final Logger LOG = LoggerFactory.getLogger(ServicesStore.class);

  public static final String FRAMEWORK = "services-framework";
  public static final String APPS = "services-apps";
  public static final String DEPLOYMENTS = "services-deployments";
  public static final String INSTANCES = "services-instances";
  public static final String LAUNCHES = "services-launches";
  /** The key of the framework id in {@value #FRAMEWORK}. */
  static final String FRAMEWORK_ID = "id";

  private final Registry registry;
  private final long fence;
  private final OrderedWrites writes;

  /** The store of the leader holding {@code fence} (its election's fencing token). */
  public ServicesStore(Registry registry, long fence) {
    if (fence < 0) {
      throw new IllegalArgumentException("fence is " + fence + "; the services store is written by a leader only "
          + "(fence >= 0)");
    }
    this.registry = registry;
    this.fence = fence;
    this.writes = new OrderedWrites((section, key, value) -> registry.put(fence, section, key, value));
  }

  public long fence() {
    return fence;
  }

  /**
   * Claims every section with this store's fence and reads it (blocking: call off the event
   * loop). Values that cannot be decoded are logged, listed in the result and left out.
   */
  public StoredState load() {
    List<String> unreadable = new ArrayList<>();
    Map<String, byte[]> framework = registry.claim(fence, FRAMEWORK);
    byte[] id = framework.get(FRAMEWORK_ID);
    List<StoredApp> apps = decodeAll(APPS, StoreCodec::decodeApp, unreadable);
    List<StoredDeployment> deployments = decodeAll(DEPLOYMENTS, StoreCodec::decodeDeployment, unreadable);
    List<StoredInstance> instances = decodeAll(INSTANCES, StoreCodec::decodeInstance, unreadable);
    List<StoredLaunches> launches = decodeAll(LAUNCHES, StoreCodec::decodeLaunches, unreadable);
    StoredState state = new StoredState(id == null ? null : StoreCodec.decodeFrameworkId(id), apps, deployments,
        instances, launches, unreadable);
    LOG.info("services store loaded fence={} framework_id={} apps={} deployments={} instances={} launches={} "
        + "unreadable={}", fence, state.frameworkId(), apps.size(), deployments.size(), instances.size(),
        launches.size(), unreadable.size());
    return state;
  }

  private <T> List<T> decodeAll(String section, Function<byte[], T> decoder, List<String> unreadable) {
    List<T> out = new ArrayList<>();
    registry.claim(fence, section).forEach((key, bytes) -> {
      try {
        out.add(StoreCodec.decode(section, key, bytes, decoder));
      } catch (IllegalArgumentException e) {
        LOG.error("cannot read a stored value, leaving it out: {}", e.getMessage());
        unreadable.add(e.getMessage());
      }
    });
    return out;
  }

  public void saveFrameworkId(String id) {
    writes.submit(FRAMEWORK, FRAMEWORK_ID, StoreCodec.encodeFrameworkId(id));
  }

  public void save(StoredApp app) {
    writes.submit(APPS, app.id().toString(), StoreCodec.encode(app));
  }

  public void removeApp(PathId id) {
    writes.submit(APPS, id.toString(), null);
  }

  public void save(StoredDeployment deployment) {
    writes.submit(DEPLOYMENTS, deployment.plan().id(), StoreCodec.encode(deployment));
  }

  public void removeDeployment(String id) {
    writes.submit(DEPLOYMENTS, id, null);
  }

  public void save(StoredInstance instance) {
    writes.submit(INSTANCES, instance.instanceId(), StoreCodec.encode(instance));
  }

  public void removeInstance(String instanceId) {
    writes.submit(INSTANCES, instanceId, null);
  }

  public void save(StoredLaunches launches) {
    writes.submit(LAUNCHES, launches.appId().toString(), StoreCodec.encode(launches));
  }

  public void removeLaunches(PathId appId) {
    writes.submit(LAUNCHES, appId.toString(), null);
  }

  /**
   * Completes true once every save and remove made so far is written; false if the store
   * stopped (a write was refused or failed), in which case nothing that depends on them may be
   * done.
   */
  public CompletableFuture<Boolean> barrier() {
    return writes.barrier();
  }

  /** Why the store stopped, or null while it works. */
  public String stoppedBecause() {
    return writes.stoppedBecause();
  }

  /**
   * Tells {@code handler} once why the store stopped (a refused write: a newer leader holds it;
   * or a failed one), on the thread that saw it; at once if it has stopped already.
   */
  public void onStop(Consumer<String> handler) {
    writes.onStop(handler);
  }
}
