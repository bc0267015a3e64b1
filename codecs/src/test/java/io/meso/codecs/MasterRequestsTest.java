package io.meso.codecs;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class MasterRequestsTest {

  /** Far longer than the test waits: a request that completes at all did not time out. */
  private static final DeliveryOptions LONG = new DeliveryOptions().setSendTimeout(TimeUnit.MINUTES.toMillis(10));
  private static final long GRACE = 200;

  @Test
  void aRequestStillWaitingAfterANewLeaderIsAnnouncedFailsSayingWhy(Vertx vertx, VertxTestContext test) {
    List<Message<Object>> held = new CopyOnWriteArrayList<>();
    vertx.eventBus().consumer(Addresses.OPERATOR, msg -> {
      held.add(msg); // a master that died with the request: no answer ever
      vertx.eventBus().publish(Addresses.MASTER_ELECTED, "10.0.0.2:5050");
    }).completion().onComplete(test.succeeding(v -> {
      MasterRequests requests = new MasterRequests(vertx, GRACE);
      requests.request(Addresses.OPERATOR, "GetState", LONG).onComplete(test.failing(err -> test.verify(() -> {
        assertThat(held).hasSize(1);
        assertThat(err).isInstanceOf(ReplyException.class);
        assertThat(((ReplyException) err).failureType()).isEqualTo(ReplyFailure.TIMEOUT);
        assertThat(err.getMessage()).isEqualTo(MasterRequests.LEADER_CHANGED);
        assertThat(requests.inFlight()).isZero();
        test.completeNow();
      })));
    }));
  }

  @Test
  void answersBeforeAndAfterAnAnnouncementArriveAsSent(Vertx vertx, VertxTestContext test) {
    List<Message<Object>> held = new CopyOnWriteArrayList<>();
    vertx.eventBus().<Object>consumer(Addresses.OPERATOR, msg -> {
      if ("hold".equals(msg.body())) {
        held.add(msg);
        vertx.eventBus().publish(Addresses.MASTER_ELECTED, "10.0.0.2:5050");
      } else {
        msg.reply("answer to " + msg.body());
      }
    }).completion().onComplete(test.succeeding(v -> {
      MasterRequests requests = new MasterRequests(vertx, GRACE);
      requests.<String>request(Addresses.OPERATOR, "first", LONG)
          .compose(first -> {
            test.verify(() -> assertThat(first.body()).isEqualTo("answer to first"));
            return requests.<String>request(Addresses.OPERATOR, "hold", LONG)
                .transform(ar -> {
                  test.verify(() -> assertThat(ar.failed()).as("the held request failed").isTrue());
                  // The announcement was handled before that failure: this one goes to the new leader.
                  return requests.<String>request(Addresses.OPERATOR, "after", LONG);
                });
          })
          .onComplete(test.succeeding(after -> test.verify(() -> {
            assertThat(after.body()).isEqualTo("answer to after");
            assertThat(requests.inFlight()).isZero();
            test.completeNow();
          })));
    }));
  }

  /**
   * A request that reached the new leader just before its announcement did (as the new leader's
   * own frameworks subscribing while it takes over) is answered, not failed: failed, it made a new
   * leader's jobs framework fail its takeover and the master step down.
   */
  @Test
  void aRequestAnsweredSoonAfterTheAnnouncementIsAnsweredNotFailed(Vertx vertx, VertxTestContext test) {
    vertx.eventBus().<Object>consumer(Addresses.SCHEDULER, msg -> {
      vertx.eventBus().publish(Addresses.MASTER_ELECTED, "10.0.0.2:5050"); // this master, taking over
      vertx.setTimer(GRACE / 4, id -> msg.reply("subscribed"));
    }).completion().onComplete(test.succeeding(v -> {
      MasterRequests requests = new MasterRequests(vertx, GRACE);
      requests.<String>request(Addresses.SCHEDULER, "SUBSCRIBE", LONG)
          .onComplete(test.succeeding(reply -> test.verify(() -> {
            assertThat(reply.body()).isEqualTo("subscribed");
            assertThat(requests.inFlight()).isZero();
            // Past the grace nothing of it is failed later either (its timer finds it answered).
            vertx.setTimer(GRACE * 2, id -> test.completeNow());
          })));
    }));
  }

  @Test
  void aMastersOwnFailureStaysItsOwn(Vertx vertx, VertxTestContext test) {
    vertx.eventBus().<Object>consumer(Addresses.OPERATOR, msg -> msg.fail(404, "task 't' is unknown"))
        .completion().onComplete(test.succeeding(v -> new MasterRequests(vertx, GRACE)
            .request(Addresses.OPERATOR, "GetTask", LONG)
            .onComplete(test.failing(err -> test.verify(() -> {
              assertThat(((ReplyException) err).failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
              assertThat(((ReplyException) err).failureCode()).isEqualTo(404);
              test.completeNow();
            })))));
  }
}
