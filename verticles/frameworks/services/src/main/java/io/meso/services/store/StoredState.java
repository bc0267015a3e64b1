package io.meso.services.store;

import java.util.List;

/**
 * Everything a new leader's framework found in the store when it claimed it.
 *
 * @param frameworkId the framework id to subscribe with, null if the framework never subscribed
 * @param unreadable keys that could not be read ({@code section/key: why}); they were logged and
 *     are left out (an unreadable instance's task is killed as unknown once reconciled)
 */
public record StoredState(String frameworkId, List<StoredApp> apps, List<StoredDeployment> deployments,
    List<StoredInstance> instances, List<StoredLaunches> launches, List<String> unreadable) {

  public static final StoredState EMPTY = new StoredState(null, List.of(), List.of(), List.of(), List.of(), List.of());

  public StoredState {
    apps = List.copyOf(apps);
    deployments = List.copyOf(deployments);
    instances = List.copyOf(instances);
    launches = List.copyOf(launches);
    unreadable = List.copyOf(unreadable);
  }
}
