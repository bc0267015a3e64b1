package io.meso.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meso.v1.Resource;
import io.meso.v1.Value;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResourcesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', textBlock = """
      cpus:4;mem:8192                               | cpus:4;mem:8192
      mem:8192;cpus:4                               | cpus:4;mem:8192
      cpus:0.5;cpus:0.25                            | cpus:0.75
      cpus:0.1;cpus:0.2                             | cpus:0.3
      cpus:0.0005                                   | cpus:0.001
      cpus:0                                        | ''
      ' cpus : 4 ; ;mem:1;'                         | cpus:4;mem:1
      cpus(eng):2;cpus:4                            | cpus:4;cpus(eng):2
      cpus(*):2                                     | cpus:2
      ports:[33000-33010,31000-32000]               | ports:[31000-32000,33000-33010]
      ports:[1-5,6-9,20-20,3-4]                     | ports:[1-9,20-20]
      ports:[]                                      | ''
      zones:{b,a,b}                                 | zones:{a,b}
      gpus:1;zones:{a,b};cpus(eng):2;disk:1000      | cpus(eng):2;disk:1000;gpus:1;zones:{a,b}
      ''                                            | ''
      """)
  void parsesToCanonicalText(String spec, String expected) {
    Resources r = Resources.parse(spec);
    assertThat(r.toString()).isEqualTo(expected);
    assertThat(Resources.parse(r.toString())).isEqualTo(r);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      cpus:abc            | resource 'cpus': value 'abc' is not a number; expected a non-negative number like 4 or 0.5
      cpus:-1             | resource 'cpus': value '-1' is negative
      cpus:NaN            | value 'NaN' is not a number
      cpus:Infinity       | value 'Infinity' is not a number
      cpus:1e3            | value '1e3' is not a number
      cpus:1e300000       | is not a number
      cpus:2000000000000000 | is too large
      cpus4               | resource 'cpus4': missing ':'
      :4                  | name is empty
      cpus(:4             | role is not closed
      cpus():4            | role '' is empty
      'cp us:4'           | name contains ' '
      ports:[5-3]         | resource 'ports': value '[5-3]': range '5-3' has begin > end; expected ranges like [31000-32000,33000-33010]
      ports:[5]           | range '5' is not begin-end
      ports:[a-3]         | bound 'a'
      ports:[-1-3]        | range '-1-3' is not begin-end
      ports:[1-3          | is not closed by ']'
      zones:{a,}          | item '' is empty
      zones:{a            | is not closed by '}'
      cpus:4;cpus:[1-2]   | resource 'cpus': cannot combine SCALAR with RANGES
      """)
  void rejectsBadText(String spec, String message) {
    assertThatThrownBy(() -> Resources.parse(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0} + {1} = {2}; {2} - {1} = {0}")
  @CsvSource(delimiter = '|', textBlock = """
      cpus:1;mem:10         | cpus:2;disk:5             | cpus:3;disk:5;mem:10
      cpus:0.1              | cpus:0.2                  | cpus:0.3
      ports:[1-10]          | ports:[11-20]             | ports:[1-20]
      ports:[1-10]          | ports:[20-30]             | ports:[1-10,20-30]
      zones:{a}             | zones:{b}                 | zones:{a,b}
      cpus:1                | cpus(eng):1               | cpus:1;cpus(eng):1
      """)
  void plusAndMinusAreInverse(String a, String b, String sum) {
    Resources ra = Resources.parse(a);
    Resources rb = Resources.parse(b);
    assertThat(ra.plus(rb)).isEqualTo(Resources.parse(sum)).isEqualTo(rb.plus(ra));
    assertThat(ra.plus(rb).minus(rb)).isEqualTo(ra);
    assertThat(ra.plus(rb).contains(ra)).isTrue();
    assertThat(ra.plus(rb).contains(rb)).isTrue();
  }

  @ParameterizedTest(name = "{0} - {1} = {2}")
  @CsvSource(delimiter = '|', textBlock = """
      cpus:1                     | cpus:2                  | ''
      cpus:1;mem:5               | mem:5                   | cpus:1
      cpus:1                     | cpus(eng):1             | cpus:1
      cpus:1                     | ports:[1-5]             | cpus:1
      ports:[1-100]              | ports:[10-20,50-60]     | ports:[1-9,21-49,61-100]
      ports:[1-10,20-30]         | ports:[5-25]            | ports:[1-4,26-30]
      ports:[1-10]               | ports:[0-100]           | ''
      ports:[1-10]               | ports:[1-1,10-10]       | ports:[2-9]
      ports:[0-9223372036854775807] | ports:[5-9223372036854775807] | ports:[0-4]
      zones:{a,b,c}              | zones:{b,d}             | zones:{a,c}
      cpus:1                     | cpus:[1-2]              | cpus:1
      """)
  void minusClampsAndIgnoresWhatIsNotHeld(String a, String b, String expected) {
    assertThat(Resources.parse(a).minus(Resources.parse(b))).isEqualTo(Resources.parse(expected));
  }

  @ParameterizedTest(name = "{0} contains {1}: {2}")
  @CsvSource(delimiter = '|', textBlock = """
      cpus:2;mem:10            | cpus:2                  | true
      cpus:2;mem:10            | cpus:2.001              | false
      cpus:2                   | cpus(eng):1             | false
      cpus(eng):2              | cpus:1                  | false
      cpus:2;cpus(eng):2       | cpus(eng):2             | true
      ports:[1-10,20-30]       | ports:[2-3,25-30]       | true
      ports:[1-10,11-30]       | ports:[5-15]            | true
      ports:[1-10,12-30]       | ports:[5-15]            | false
      zones:{a,b}              | zones:{b}               | true
      zones:{a,b}              | zones:{c}               | false
      cpus:1                   | ''                      | true
      ''                       | cpus:1                  | false
      """)
  void contains(String a, String b, boolean expected) {
    assertThat(Resources.parse(a).contains(Resources.parse(b))).isEqualTo(expected);
  }

  @Test
  void accessors() {
    Resources r = Resources.parse("cpus:4;cpus(eng):2.5;mem:8192;ports:[31000-32000];gpus:1;zones:{a}");
    assertThat(r.scalar("cpus")).isEqualTo(6.5);
    assertThat(r.scalar("nope")).isZero();
    assertThat(r.scalarsOnly()).isEqualTo(Resources.parse("cpus:4;cpus(eng):2.5;mem:8192;gpus:1"));
    assertThat(r.unreserved()).isEqualTo(Resources.parse("cpus:4;mem:8192;ports:[31000-32000];gpus:1;zones:{a}"));
    assertThat(r.reservedTo("eng")).isEqualTo(Resources.parse("cpus(eng):2.5"));
    assertThat(r.reservedTo("other")).isEqualTo(Resources.EMPTY);
    assertThat(r.allocatableTo("other")).isEqualTo(r.unreserved());
    assertThat(r.allocatableTo("eng")).isEqualTo(r);
    assertThat(r.names()).containsExactly("cpus", "gpus", "mem", "ports", "zones");
    assertThat(r.hasGpus()).isTrue();
    assertThat(r.hasReservations()).isTrue();
    assertThat(Resources.parse("gpus:0;cpus:1").hasGpus()).isFalse();
    assertThat(Resources.EMPTY.isEmpty()).isTrue();
    assertThat(Resources.parse("cpus:0").isEmpty()).isTrue();
    assertThat(Resources.scalar("cpus", 0.3)).isEqualTo(Resources.parse("cpus:0.1").plus(Resources.parse("cpus:0.2")));
    assertThat(r.hashCode()).isEqualTo(Resources.parse(r.toString()).hashCode());
  }

  @Test
  void fixedPointArithmeticIsExact() {
    Resources tenth = Resources.parse("cpus:0.1");
    Resources sum = Resources.EMPTY;
    for (int i = 0; i < 10; i++) {
      sum = sum.plus(tenth);
    }
    assertThat(sum).isEqualTo(Resources.parse("cpus:1"));
    assertThat(sum.scalar("cpus")).isEqualTo(1.0);
    for (int i = 0; i < 10; i++) {
      sum = sum.minus(tenth);
    }
    assertThat(sum.isEmpty()).isTrue();
  }

  @Test
  void protoRoundTrip() {
    Resources r = Resources.parse("cpus:4;cpus(eng):2;mem:8192;ports:[31000-32000,33000-33010];zones:{a,b}");
    List<Resource> proto = r.toProto();
    assertThat(proto).extracting(Resource::getName).containsExactly("cpus", "cpus", "mem", "ports", "zones");
    Resource unreserved = proto.get(0);
    assertThat(unreserved.hasRole()).isFalse();
    assertThat(unreserved.getReservationsCount()).isZero();
    assertThat(unreserved.getScalar().getValue()).isEqualTo(4.0);
    Resource reserved = proto.get(1);
    assertThat(reserved.getReservationsList()).singleElement().satisfies(ri -> {
      assertThat(ri.getType()).isEqualTo(Resource.ReservationInfo.Type.STATIC);
      assertThat(ri.getRole()).isEqualTo("eng");
    });
    assertThat(proto.get(3).getRanges().getRangeList()).extracting(Value.Range::getBegin).containsExactly(31000L, 33000L);
    assertThat(Resources.fromProto(proto)).isEqualTo(r);
  }

  @Test
  void protoReservationRole() {
    Resource.Builder cpus = scalarProto("cpus", 1);
    Resource legacy = cpus.clone().setRole("old").build();
    Resource refined = cpus.clone().setRole("ignored")
        .addReservations(Resource.ReservationInfo.newBuilder().setRole("parent"))
        .addReservations(Resource.ReservationInfo.newBuilder().setRole("parent/child"))
        .setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole("x"))
        .build();
    Resource star = cpus.clone().setRole("*").build();
    assertThat(Resources.fromProto(List.of(legacy))).isEqualTo(Resources.parse("cpus(old):1"));
    assertThat(Resources.fromProto(List.of(refined))).isEqualTo(Resources.parse("cpus(parent/child):1"));
    assertThat(Resources.fromProto(List.of(star))).isEqualTo(Resources.parse("cpus:1"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      negative   | resources[1] 'cpus': scalar value -1.0 is negative; expected a finite number >= 0
      nan        | resources[1] 'cpus': scalar value NaN is not finite
      infinite   | resources[1] 'cpus': scalar value Infinity is not finite
      noName     | resources[1]: name is empty
      noType     | resources[1] 'cpus': type is missing; expected SCALAR, RANGES or SET
      wrongField | resources[1] 'cpus': type SCALAR but fields set are ranges
      text       | resources[1] 'cpus': type TEXT is not a resource type
      badRange   | resources[1] 'ports': ranges.range[1] [9-3] has begin > end
      hugeRange  | resources[1] 'ports': ranges.range[0] [1-18446744073709551615] is out of bounds
      emptyItem  | resources[1] 'zones': set.item[0] is empty
      emptyRole  | resources[1] 'cpus': reservations[0].role '' is not a role
      """)
  void rejectsBadProto(String kind, String message) {
    Resource bad = switch (kind) {
      case "negative" -> scalarProto("cpus", -1).build();
      case "nan" -> scalarProto("cpus", Double.NaN).build();
      case "infinite" -> scalarProto("cpus", Double.POSITIVE_INFINITY).build();
      case "noName" -> scalarProto("", 1).build();
      case "noType" -> scalarProto("cpus", 1).clearType().build();
      case "wrongField" -> Resource.newBuilder().setName("cpus").setType(Value.Type.SCALAR)
          .setRanges(Value.Ranges.getDefaultInstance()).build();
      case "text" -> scalarProto("cpus", 1).setType(Value.Type.TEXT).build();
      case "badRange" -> rangesProto(1, 2, 9, 3);
      case "hugeRange" -> rangesProto(1, -1);
      case "emptyItem" -> Resource.newBuilder().setName("zones").setType(Value.Type.SET)
          .setSet(Value.Set.newBuilder().addItem("")).build();
      case "emptyRole" -> scalarProto("cpus", 1).addReservations(Resource.ReservationInfo.newBuilder()).build();
      default -> throw new IllegalStateException(kind);
    };
    assertThatThrownBy(() -> Resources.fromProto(List.of(scalarProto("mem", 1).build(), bad)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void zeroScalarFromProtoIsAcceptedAndDropped() {
    assertThat(Resources.fromProto(List.of(scalarProto("cpus", 0).build()))).isEqualTo(Resources.EMPTY);
  }

  private static Resource.Builder scalarProto(String name, double value) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(value));
  }

  private static Resource rangesProto(long... bounds) {
    Value.Ranges.Builder rb = Value.Ranges.newBuilder();
    for (int i = 0; i < bounds.length; i += 2) {
      rb.addRange(Value.Range.newBuilder().setBegin(bounds[i]).setEnd(bounds[i + 1]));
    }
    return Resource.newBuilder().setName("ports").setType(Value.Type.RANGES).setRanges(rb).build();
  }
}
