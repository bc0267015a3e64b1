package io.meso.master;

/** Role name rules, as in Mesos: "*" or path segments without '.', '..', whitespace, or a leading '-'. */
final class Roles {

  private Roles() {}

  static void validate(String field, String role) {
    if (role.equals("*")) {
      return;
    }
    InputLimits.checkString(field, role, InputLimits.MAX_ROLE_BYTES);
    if (role.isEmpty()) {
      throw CallException.invalid(field + " contains an empty role; use '*' or a name like 'eng' or 'eng/web'");
    }
    if (role.startsWith("/") || role.endsWith("/")) {
      throw CallException.invalid(field + " role '" + role + "' starts or ends with '/'; use a name like 'eng/web'");
    }
    for (String segment : role.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.startsWith("-")
          || segment.equals("*")) {
        throw CallException.invalid(field + " role '" + role + "' has an invalid part '" + segment
            + "'; parts must be non-empty, not '.', '..' or '*', and not start with '-'");
      }
      for (int i = 0; i < segment.length(); i++) {
        char c = segment.charAt(i);
        if (Character.isWhitespace(c) || Character.isISOControl(c) || c == '\\') {
          throw CallException.invalid(field + " role '" + role + "' contains whitespace, a control character or '\\'");
        }
      }
    }
  }
}
