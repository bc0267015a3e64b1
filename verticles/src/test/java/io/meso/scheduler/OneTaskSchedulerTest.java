package io.meso.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.meso.v1.Offer;
import io.meso.v1.Resource;
import io.meso.v1.Value;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OneTaskSchedulerTest {

  private static Resource scalar(String name, double value, String role) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value))
        .setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(role))
        .build();
  }

  private static OneTaskScheduler scheduler(double cpus, double mem, double disk) {
    return new OneTaskScheduler(null, new OneTaskScheduler.Spec("t", "t", "true", cpus, mem, disk, "*", "me"), null);
  }

  @ParameterizedTest(name = "offer cpus:{0} mem:{1} disk:{2} for cpus:{3} mem:{4} disk:{5} fits={6}")
  @CsvSource({
      // offered          asked              fits
      "1,   64, 0,     0.1, 32, 0,     true",
      "0.1, 32, 0,     0.1, 32, 0,     true",   // exactly enough
      "0.05, 64, 0,    0.1, 32, 0,     false",  // too few cpus
      "1,   16, 0,     0.1, 32, 0,     false",  // too little memory
      "1,   64, 0,     0.1, 32, 10,    false",  // disk asked, none offered
      "1,   64, 100,   0.1, 32, 10,    true"})
  void fitsOnlyWhenEveryAskedScalarIsThere(double oc, double om, double od, double c, double m, double d, boolean fits) {
    Offer.Builder offer = Offer.newBuilder().addResources(scalar("cpus", oc, "*")).addResources(scalar("mem", om, "*"));
    if (od > 0) {
      offer.addResources(scalar("disk", od, "*"));
    }
    assertThat(scheduler(c, m, d).fits(offer.build())).isEqualTo(fits);
  }

  @Test
  void takeCutsFromOfferedResourcesKeepingTheirAllocationAndSpanningSeveral() {
    List<Resource> offered = List.of(scalar("cpus", 0.5, "dev"), scalar("cpus", 2, "dev"), scalar("mem", 1024, "dev"));
    Map<String, Double> wanted = new LinkedHashMap<>();
    wanted.put("cpus", 1.0);
    wanted.put("mem", 32.0);
    List<Resource> taken = OneTaskScheduler.take(offered, wanted);
    // cpus: 0.5 from the first resource and the remaining 0.5 from the second.
    assertThat(taken).extracting(Resource::getName).containsExactly("cpus", "cpus", "mem");
    assertThat(taken).extracting(r -> r.getScalar().getValue()).containsExactly(0.5, 0.5, 32.0);
    assertThat(taken).allSatisfy(r -> assertThat(r.getAllocationInfo().getRole()).isEqualTo("dev"));
  }
}
