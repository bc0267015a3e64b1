package io.meso.services.group;

import io.meso.services.app.App;
import io.meso.services.app.PathId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The group tree implied by a set of app ids: the apps directly in a group are those whose parent
 * it is; its child groups are the next path segments of the apps deeper under it. A group exists
 * if it is the root or some app lies under it (an app's own id is not a group).
 */
public final class GroupTree {

  /** Marathon's version of a group that never changed ({@code Timestamp(0)}). */
  public static final Instant EMPTY_VERSION = Instant.EPOCH;

  private final Map<PathId, App> apps;

  /** The tree of {@code apps}, keyed by their absolute ids. */
  public GroupTree(Map<PathId, App> apps) {
    this.apps = new LinkedHashMap<>(apps);
  }

  /** True if {@code group} is strictly above {@code id}: a proper prefix of its segments. */
  public static boolean isUnder(PathId id, PathId group) {
    List<String> g = group.segments();
    List<String> s = id.segments();
    return s.size() > g.size() && s.subList(0, g.size()).equals(g);
  }

  /** True if {@code group} is the root or holds an app at any depth. */
  public boolean exists(PathId group) {
    return group.isRoot() || apps.keySet().stream().anyMatch(id -> isUnder(id, group));
  }

  /** The apps directly in {@code group}, by id. */
  public List<App> appsIn(PathId group) {
    return apps.values().stream().filter(a -> a.id().parent().equals(group))
        .sorted(Comparator.comparing(a -> a.id().toString())).toList();
  }

  /** Every app under {@code group}, at any depth. */
  public List<App> appsUnder(PathId group) {
    return apps.values().stream().filter(a -> isUnder(a.id(), group)).toList();
  }

  /** The groups directly in {@code group}, by id. */
  public List<PathId> groupsIn(PathId group) {
    int depth = group.segments().size();
    TreeSet<String> children = new TreeSet<>();
    for (PathId id : apps.keySet()) {
      if (isUnder(id, group) && id.segments().size() > depth + 1) {
        children.add("/" + String.join("/", id.segments().subList(0, depth + 1)));
      }
    }
    List<PathId> out = new ArrayList<>();
    children.forEach(c -> out.add(PathId.absolute(c)));
    return out;
  }

  /**
   * The group's version: the newest version of an app under it (a change to any of them is a
   * change of the group), {@link #EMPTY_VERSION} for a group without apps.
   */
  public Instant version(PathId group) {
    return appsUnder(group).stream().map(App::version).filter(v -> v != null)
        .max(Comparator.naturalOrder()).orElse(EMPTY_VERSION);
  }

  /** The app ids among {@code ids} that are also groups of the tree (an app lies under them). */
  public List<PathId> appsThatAreGroups(Collection<PathId> ids) {
    return ids.stream().filter(id -> apps.keySet().stream().anyMatch(other -> isUnder(other, id))).toList();
  }
}
