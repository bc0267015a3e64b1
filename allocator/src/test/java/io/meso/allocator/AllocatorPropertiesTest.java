package io.meso.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random sequences of allocator events against a model of what each framework holds: nothing
 * is ever over-allocated, a run only hands out what was free, at most one offer per
 * (framework, role, agent) per run, and what the allocator says a framework holds always
 * matches the model (offers added, recoveries and removals taken away). A twin allocator with
 * the agent memo turned off gets the same events and must decide exactly the same offers.
 */
class AllocatorPropertiesTest {

  private static final List<String> AGENT_TEMPLATES = List.of(
      "cpus:4;mem:64;ports:[1-10]",
      "cpus:2;gpus:1;mem:32",
      "cpus:1;cpus(r1):2;mem:16;mem(r1):16",
      "cpus:0.5;mem:8;disk:100;zones:{a,b}");
  private static final List<String> CHUNKS = List.of(
      "cpus:1", "cpus:0.3;mem:8", "ports:[2-5]", "cpus(r1):1", "mem:100;disk:1", "zones:{a}", "gpus:1");
  private static final List<String> ROLES = List.of("r0", "r1", "r2");
  private static final int OPS = 12;

  @Provide
  Arbitrary<List<Integer>> steps() {
    return Arbitraries.integers().between(0, 100_000).list().ofMinSize(1).ofMaxSize(120);
  }

  @Property(tries = 300)
  void neverOverAllocatesAndAgreesWithTheModel(@ForAll("steps") List<Integer> steps) {
    AllocatorHarness twinHarness = new AllocatorHarness();
    twinHarness.allocator.memoEnabled = false;
    check(steps, twinHarness, false);
  }

  /**
   * The fast walk (DRF order as an array, filter bitsets, FILTERED counted at the end of the
   * run) against the plain walk (sorter visitor, a filter lookup per pair): the same offers and
   * the same skip counts, per framework and per role, after every step.
   */
  @Property(tries = 300)
  void fastWalkDecidesAndCountsAsThePlainWalk(@ForAll("steps") List<Integer> steps) {
    AllocatorHarness twinHarness = new AllocatorHarness();
    twinHarness.allocator.fastWalk = false;
    check(steps, twinHarness, true);
  }

  private static void check(List<Integer> steps, AllocatorHarness twinHarness, boolean sameCounts) {
    AllocatorHarness h = new AllocatorHarness();
    Allocator alloc = Twin.of(h.allocator, twinHarness.allocator, h);
    Map<String, Resources> totals = new HashMap<>();
    Set<String> frameworks = new HashSet<>();
    Map<String, Map<String, Resources>> model = new HashMap<>(); // framework -> agent -> held
    for (int step : steps) {
      int op = step % OPS;
      int p = step / OPS;
      String agent = "a" + (p % 4);
      String fw = "f" + (p / 4 % 4);
      switch (op) {
        case 0 -> {
          if (!totals.containsKey(agent)) {
            alloc.addAgent(agent, new AgentSpec(agent, Resources.parse(AGENT_TEMPLATES.get(p / 16 % AGENT_TEMPLATES.size())),
                Map.of()), Map.of());
            totals.put(agent, Resources.parse(AGENT_TEMPLATES.get(p / 16 % AGENT_TEMPLATES.size())));
          }
        }
        case 1 -> {
          alloc.removeAgent(agent);
          totals.remove(agent);
          model.values().forEach(m -> m.remove(agent));
        }
        case 2 -> {
          if (frameworks.add(fw)) {
            Set<String> roles = new HashSet<>();
            for (int i = 0; i < ROLES.size(); i++) {
              if (((p / 16) >> i & 1) == 1) {
                roles.add(ROLES.get(i));
              }
            }
            roles.add(ROLES.get(p / 128 % ROLES.size()));
            alloc.addFramework(fw, new FrameworkSpec(roles, Set.of(), (p / 384) % 2 == 0), Map.of(), true);
          }
        }
        case 3 -> {
          alloc.removeFramework(fw);
          frameworks.remove(fw);
          model.remove(fw);
        }
        case 4, 11 -> {
          if (op == 11) {
            alloc.markAllCandidates();
          }
          runAndCheck(alloc, h.now, totals, model);
        }
        case 5 -> recover(alloc, h.now, model, fw, agent, Resources.parse(CHUNKS.get(p / 16 % CHUNKS.size())), 0);
        case 6 -> recover(alloc, h.now, model, fw, agent, alloc.allocated(fw, agent), p / 16 % 10);
        case 7 -> {
          if (frameworks.contains(fw)) {
            if ((p / 16) % 2 == 0) {
              alloc.suppressOffers(fw, Set.of());
            } else {
              alloc.reviveOffers(fw, Set.of(ROLES.get(p / 32 % ROLES.size())));
            }
          }
        }
        case 8 -> {
          if (totals.containsKey(agent)) {
            if ((p / 16) % 2 == 0) {
              alloc.deactivateAgent(agent);
            } else {
              alloc.activateAgent(agent);
            }
          }
        }
        case 9 -> {
          if (frameworks.contains(fw)) {
            if ((p / 16) % 2 == 0) {
              alloc.deactivateFramework(fw);
            } else {
              alloc.activateFramework(fw);
            }
          }
        }
        default -> h.advance(p % 4);
      }
      h.allocator.checkInvariants();
      twinHarness.allocator.checkInvariants();
      if (sameCounts) {
        assertThat(h.allocator.skipCounts()).as("skip counts").isEqualTo(twinHarness.allocator.skipCounts());
        assertThat(h.allocator.skipCountsByRole()).as("skip counts by role")
            .isEqualTo(twinHarness.allocator.skipCountsByRole());
        assertThat(h.allocator.unchangedAgentSkips()).isEqualTo(twinHarness.allocator.unchangedAgentSkips());
      }
      for (String f : frameworks) {
        for (String a : totals.keySet()) {
          assertThat(alloc.allocated(f, a)).as("%s on %s", f, a)
              .isEqualTo(model.getOrDefault(f, Map.of()).getOrDefault(a, Resources.EMPTY));
        }
      }
    }
  }

  private static void recover(Allocator alloc, long now, Map<String, Map<String, Resources>> model, String fw,
      String agent, Resources resources, double refuseSeconds) {
    alloc.recoverResources(fw, agent, resources, refuseSeconds, now);
    Map<String, Resources> held = model.get(fw);
    if (held != null && held.containsKey(agent)) {
      Resources left = held.get(agent).minus(resources);
      if (left.isEmpty()) {
        held.remove(agent);
      } else {
        held.put(agent, left);
      }
    }
  }

  private static void runAndCheck(Allocator alloc, long now, Map<String, Resources> totals,
      Map<String, Map<String, Resources>> model) {
    Set<String> seen = new HashSet<>();
    for (Allocation a : alloc.allocate(now)) {
      assertThat(seen.add(a.frameworkId() + "/" + a.role() + "@" + a.agentId())).as("one offer per pair").isTrue();
      Resources used = Resources.EMPTY;
      for (Map<String, Resources> byAgent : model.values()) {
        used = used.plus(byAgent.getOrDefault(a.agentId(), Resources.EMPTY));
      }
      Resources free = totals.get(a.agentId()).minus(used);
      assertThat(free.contains(a.resources())).as("%s offered %s but only %s is free", a, a.resources(), free).isTrue();
      assertThat(a.resources().allocatableTo(a.role())).as("only resources the role may use").isEqualTo(a.resources());
      model.computeIfAbsent(a.frameworkId(), k -> new HashMap<>()).merge(a.agentId(), a.resources(), Resources::plus);
    }
  }

  /** Forwards every call to both allocators; allocate() must agree, other results come from the first. */
  private static final class Twin {
    static Allocator of(HierarchicalAllocator first, HierarchicalAllocator second, AllocatorHarness clock) {
      return (Allocator) Proxy.newProxyInstance(Allocator.class.getClassLoader(), new Class<?>[] {Allocator.class},
          (proxy, method, args) -> {
            try {
              Object a = method.invoke(first, args);
              Object b = method.invoke(second, args);
              if (method.getName().equals("allocate")) {
                assertThat(a).as("both twins' offers at %d", clock.now).isEqualTo(b);
              }
              return a;
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
    }
  }
}
