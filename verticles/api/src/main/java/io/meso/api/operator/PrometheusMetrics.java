package io.meso.api.operator;

import io.meso.proto.GetMetricsResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.Locale;
import java.util.Map;

/**
 * The Prometheus text served at {@code /metrics}: the JVM (and Vert.x, when the Vert.x
 * instance was created with Micrometer metrics) from a Micrometer Prometheus registry, then
 * Meso's own metrics from the master's GetMetrics reply: task, agent and framework gauges by
 * state, offer counters and the allocation run duration histogram. No task id is ever a label.
 */
public final class PrometheusMetrics {

  private static PrometheusMeterRegistry jvmRegistry;

  private PrometheusMetrics() {}

  /**
   * Metrics options that make a Vert.x instance record its own metrics (event bus, HTTP
   * server and client, pools) into the Prometheus registry {@code /metrics} serves, with JVM
   * metrics. Pass them in {@code VertxOptions.setMetricsOptions} when creating the Vert.x
   * instance of a master; without them {@code /metrics} serves JVM and Meso metrics only.
   */
  public static MicrometerMetricsOptions vertxMetricsOptions() {
    return new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setJvmMetricsEnabled(true)
        .setEnabled(true);
  }

  /** Vert.x's own Prometheus registry when metrics are enabled, else a JVM-only registry (once per JVM). */
  static synchronized PrometheusMeterRegistry registry() {
    MeterRegistry vertxRegistry = BackendRegistries.getDefaultNow();
    if (vertxRegistry instanceof PrometheusMeterRegistry p) {
      return p;
    }
    if (jvmRegistry == null) {
      jvmRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      new ClassLoaderMetrics().bindTo(jvmRegistry);
      new JvmMemoryMetrics().bindTo(jvmRegistry);
      new JvmGcMetrics().bindTo(jvmRegistry);
      new JvmThreadMetrics().bindTo(jvmRegistry);
      new ProcessorMetrics().bindTo(jvmRegistry);
      new UptimeMetrics().bindTo(jvmRegistry);
    }
    return jvmRegistry;
  }

  /** Meso's metrics in Prometheus text exposition format 0.0.4. */
  static String meso(GetMetricsResponse r) {
    Map<String, Double> m = r.getMetricsMap();
    StringBuilder out = new StringBuilder();
    header(out, "meso_master_tasks", "gauge", "Tasks of current frameworks the master knows (active, and completed ones it remembers), by state.");
    m.forEach((k, v) -> {
      if (k.startsWith("master/tasks_") && !k.equals("master/tasks_launched") && !k.equals("master/tasks_rejected")) {
        out.append("meso_master_tasks{state=\"").append(k.substring("master/tasks_".length()))
            .append("\"} ").append(num(v)).append('\n');
      }
    });
    header(out, "meso_master_agents", "gauge", "Agents by state.");
    line(out, "meso_master_agents{state=\"active\"}", m.get("master/slaves_active"));
    line(out, "meso_master_agents{state=\"unreachable\"}", m.get("master/slaves_unreachable"));
    header(out, "meso_master_frameworks", "gauge", "Frameworks by state.");
    line(out, "meso_master_frameworks{state=\"connected\"}", m.get("master/frameworks_connected"));
    line(out, "meso_master_frameworks{state=\"disconnected\"}", m.get("master/frameworks_disconnected"));
    line(out, "meso_master_frameworks{state=\"completed\"}", m.get("master/frameworks_completed"));
    header(out, "meso_master_resources", "gauge", "Scalar resources of active agents: total, used by tasks, offered.");
    for (String name : new String[] {"cpus", "mem", "disk", "gpus"}) {
      for (String kind : new String[] {"total", "used", "offered"}) {
        line(out, "meso_master_resources{resource=\"" + name + "\",kind=\"" + kind + "\"}",
            m.get("master/" + name + "_" + kind));
      }
    }
    counter(out, "meso_master_offers_made_total", "Offers sent to frameworks.", m.get("master/offers_made"));
    counter(out, "meso_master_offers_declined_total", "Offers declined by frameworks.", m.get("master/offers_declined"));
    counter(out, "meso_master_offers_rescinded_total", "Offers taken back by the master.", m.get("master/offers_rescinded"));
    counter(out, "meso_master_tasks_launched_total", "Tasks launched.", m.get("master/tasks_launched"));
    counter(out, "meso_master_tasks_rejected_total", "Tasks refused at launch.", m.get("master/tasks_rejected"));
    counter(out, "meso_master_status_updates_total", "Status updates received from agents.",
        m.get("master/messages_status_update"));
    counter(out, "meso_master_invalid_calls_total", "Scheduler calls refused as invalid.",
        m.get("master/messages_invalid_calls"));
    counter(out, "meso_master_status_update_retries_total",
        "Status updates agents resent because the framework had not acknowledged them.",
        m.get("master/status_update_retries"));
    header(out, "meso_allocator_run_seconds", "histogram", "Duration of allocation runs that produced offers.");
    long cumulative = 0;
    for (int i = 0; i < r.getAllocationRunCountsCount(); i++) {
      cumulative += r.getAllocationRunCounts(i);
      String le = i < r.getAllocationRunBoundsCount() ? num(r.getAllocationRunBounds(i)) : "+Inf";
      out.append("meso_allocator_run_seconds_bucket{le=\"").append(le).append("\"} ").append(cumulative).append('\n');
    }
    out.append("meso_allocator_run_seconds_sum ").append(num(r.getAllocationRunSecondsSum())).append('\n');
    out.append("meso_allocator_run_seconds_count ").append(cumulative).append('\n');
    return out.toString();
  }

  private static void header(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void counter(StringBuilder out, String name, String help, Double value) {
    header(out, name.substring(0, name.length() - "_total".length()), "counter", help);
    line(out, name, value);
  }

  private static void line(StringBuilder out, String series, Double value) {
    out.append(series).append(' ').append(num(value == null ? 0 : value)).append('\n');
  }

  private static String num(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.valueOf((long) v);
    }
    return String.format(Locale.ROOT, "%s", v);
  }
}
