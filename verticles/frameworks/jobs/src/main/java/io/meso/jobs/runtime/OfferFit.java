package io.meso.jobs.runtime;

import io.meso.jobs.job.Constraint;
import io.meso.jobs.job.Job;
import io.meso.v1.Attribute;
import io.meso.v1.Offer;
import io.meso.v1.Resource;
import io.meso.v1.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What is left of one offer while runs are placed on it: each run takes its cpus, mem and disk
 * as pieces cut from the offered scalars (keeping their role and allocation info, so a LAUNCH
 * uses exactly what was offered), if the agent satisfies the job's constraints. Scalars are
 * counted in thousandths, as Mesos keeps three decimal digits. Not thread-safe.
 */
final class OfferFit {

  private final Offer offer;
  private final List<Resource> left;

  OfferFit(Offer offer) {
    this.offer = offer;
    this.left = new ArrayList<>(offer.getResourcesList());
  }

  Offer offer() {
    return offer;
  }

  /** Cuts the job's resources from what is left; null (taking nothing) if they do not fit. */
  List<Resource> take(Job job) {
    if (!satisfies(job.constraints(), offer)) {
      return null;
    }
    String[] names = {"cpus", "mem", "disk"};
    double[] amounts = {job.cpus(), job.mem(), job.disk()};
    for (int i = 0; i < names.length; i++) {
      if (available(names[i]) < millis(amounts[i])) {
        return null;
      }
    }
    List<Resource> pieces = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      pieces.addAll(cut(names[i], millis(amounts[i])));
    }
    return pieces;
  }

  private long available(String name) {
    return left.stream().filter(r -> scalar(r, name)).mapToLong(r -> millis(r.getScalar().getValue())).sum();
  }

  private List<Resource> cut(String name, long wanted) {
    List<Resource> pieces = new ArrayList<>();
    long need = wanted;
    for (int i = 0; i < left.size() && need > 0; i++) {
      Resource r = left.get(i);
      if (!scalar(r, name)) {
        continue;
      }
      long have = millis(r.getScalar().getValue());
      long take = Math.min(have, need);
      if (take <= 0) {
        continue;
      }
      pieces.add(withScalar(r, take));
      left.set(i, withScalar(r, have - take));
      need -= take;
    }
    return pieces;
  }

  /**
   * Chronos's constraints on an agent: EQUALS compares the attribute's value (or the hostname)
   * exactly; LIKE matches it as a whole regular expression; UNLIKE holds when it does not match,
   * also when the agent lacks the attribute.
   */
  static boolean satisfies(List<Constraint> constraints, Offer offer) {
    for (Constraint c : constraints) {
      String value = attribute(offer, c.attribute());
      boolean ok = switch (c.operator()) {
        case "EQUALS" -> c.value().equals(value);
        case "LIKE" -> value != null && matches(c.value(), value);
        case "UNLIKE" -> value == null || !matches(c.value(), value);
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean matches(String regex, String value) {
    try {
      return Pattern.compile(regex).matcher(value).matches();
    } catch (PatternSyntaxException e) {
      return false;
    }
  }

  /** The agent's value for a constraint's attribute: hostname, or a text/scalar/ranges/set attribute. */
  static String attribute(Offer offer, String name) {
    if ("hostname".equals(name)) {
      return offer.getHostname();
    }
    for (Attribute a : offer.getAttributesList()) {
      if (a.getName().equals(name)) {
        return switch (a.getType()) {
          case TEXT -> a.getText().getValue();
          case SCALAR -> stripZero(a.getScalar().getValue());
          case RANGES -> a.getRanges().getRangeList().stream()
              .map(r -> "[" + r.getBegin() + "-" + r.getEnd() + "]").reduce((x, y) -> x + "," + y).orElse("");
          case SET -> String.join(",", a.getSet().getItemList());
        };
      }
    }
    return null;
  }

  private static String stripZero(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static boolean scalar(Resource r, String name) {
    return r.getName().equals(name) && r.getType() == Value.Type.SCALAR;
  }

  static long millis(double amount) {
    return Math.round(amount * 1000);
  }

  private static Resource withScalar(Resource r, long thousandths) {
    return r.toBuilder().setScalar(Value.Scalar.newBuilder().setValue(thousandths / 1000.0)).build();
  }
}
