#!/bin/sh
# Compiles meso-launch.c ($2) into $1/native/meso-launch, run by the Maven build (process-classes)
# so that the helper is packaged in the agent's jar. Without gcc the build goes on with a warning
# and agents launch tasks with their program pipeline (setsid, sh, nsenter, unshare, setpriv).
out="$1/native"
mkdir -p "$out" || exit 1
if command -v gcc >/dev/null 2>&1; then
  exec gcc -O2 -Wall -o "$out/meso-launch" "$2"
fi
echo "[WARNING] gcc not found: meso-launch not built, agents launch tasks with the slower program pipeline"
rm -f "$out/meso-launch"
