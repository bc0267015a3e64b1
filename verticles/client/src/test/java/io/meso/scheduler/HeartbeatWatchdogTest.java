package io.meso.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The watchdog's timing. Its decisions are checked against a clock the test moves (events
 * arriving one millisecond before the bound never end the subscription; the first millisecond
 * of silence past it does), and once with the real clock and Vert.x timers (silence is noticed
 * without anyone asking).
 */
class HeartbeatWatchdogTest {

  private static final long MS = 1_000_000L;

  Vertx vertx;
  final AtomicLong now = new AtomicLong(1_000 * MS);
  final List<Long> silences = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void eventsArrivingJustInTimeNeverEndTheSubscriptionAndTheFirstLateOneDoes() {
    HeartbeatWatchdog watchdog = new HeartbeatWatchdog(vertx, now::get, 1_000, silences::add);
    for (int beat = 0; beat < 5; beat++) {
      now.addAndGet(999 * MS);
      assertThat(watchdog.check()).as("silent for 999 ms of a 1000 ms bound, beat %d", beat).isFalse();
      watchdog.beat();
    }
    now.addAndGet(999 * MS);
    assertThat(watchdog.check()).isFalse();
    now.addAndGet(1 * MS);
    assertThat(watchdog.check()).as("silent for exactly the bound").isTrue();
    assertThat(silences).containsExactly(1_000L);
    // Fires once: a later check (or event) changes nothing.
    watchdog.beat();
    now.addAndGet(5_000 * MS);
    assertThat(watchdog.check()).isTrue();
    assertThat(silences).containsExactly(1_000L);
  }

  @Test
  void aStoppedWatchdogNeverFires() {
    HeartbeatWatchdog watchdog = new HeartbeatWatchdog(vertx, now::get, 1_000, silences::add).start();
    watchdog.stop();
    now.addAndGet(10_000 * MS);
    assertThat(watchdog.check()).isFalse();
    assertThat(silences).isEmpty();
  }

  @Test
  void itsOwnTimerNoticesSilenceWithTheRealClock() {
    HeartbeatWatchdog watchdog = new HeartbeatWatchdog(vertx, System::nanoTime, 200, silences::add).start();
    await().atMost(Duration.ofSeconds(30)).until(() -> !silences.isEmpty());
    assertThat(silences).hasSize(1);
    assertThat(silences.get(0)).isGreaterThanOrEqualTo(200L);
    assertThat(watchdog.check()).isTrue();
  }

  @Test
  void aWatchdogSettingOutsideWhatIsAllowedIsRefusedNamingIt() {
    GrpcSchedulerClient client = new GrpcSchedulerClient(vertx, "127.0.0.1", 1);
    try {
      assertThatThrownBy(() -> client.withHeartbeatWatchdog(0.5, Duration.ZERO))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("heartbeat watchdog intervals: 0.5")
          .hasMessageContaining("at least 1");
      assertThatThrownBy(() -> client.withHeartbeatWatchdog(3, Duration.ofMillis(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("heartbeat watchdog minimum: -1 ms");
      assertThat(client.withHeartbeatWatchdog(0, Duration.ZERO)).isSameAs(client);
    } finally {
      client.close();
    }
  }
}
