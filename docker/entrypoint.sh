#!/usr/bin/env sh
# Starts one Meso role (master, agent, or any other `meso` command) from the jar, the same way in
# a container (the image's ENTRYPOINT) and on a host or network namespace (scripts/netns-cluster).
#
# Every option can be given as a flag or a MESO_* environment variable (MESO_JOIN, MESO_MASTERS...).
# When neither --host nor MESO_HOST is given, the node binds to and advertises this host's first
# address (a container's own address on its network), never 0.0.0.0: other nodes must reach it.
set -eu
jar="${MESO_JAR:-/opt/meso/meso.jar}"
if [ ! -f "$jar" ]; then
  echo "meso: no jar at $jar; build it with 'mvn -B -DskipTests package' (or set MESO_JAR)" >&2
  exit 2
fi
case " $* " in
  *" --host "*|*" --host="*) ;;
  *) if [ -z "${MESO_HOST:-}" ]; then
       MESO_HOST="$(hostname -i 2>/dev/null | awk '{print $1}')"
       [ -n "$MESO_HOST" ] || MESO_HOST=127.0.0.1
       export MESO_HOST
     fi ;;
esac
exec java ${JAVA_OPTS:-} \
  --add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED \
  --add-opens java.management/sun.management=ALL-UNNAMED \
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED \
  -jar "$jar" "$@"
