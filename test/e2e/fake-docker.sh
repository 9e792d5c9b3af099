#!/bin/sh
# A `docker` stand-in for kustomize and kpt container functions (no Docker engine on these machines). It logs the argv
# it was given, then runs the built bundle the way the image runs it: as nobody (65534), without network, with an
# empty environment (no HOME), reading the ResourceList on stdin.
printf '%s\n' "$*" >> "${FAKE_DOCKER_LOG:-/dev/null}"
case "$1" in
  version) echo 27.0.0; exit 0 ;;
  run) ;;
  *) echo "fake docker: unsupported command $1" >&2; exit 1 ;;
esac
cd "${FAKE_DOCKER_WORKDIR:-/}" || exit 1
exec unshare -n --fork setpriv --reuid 65534 --regid 65534 --clear-groups \
  env -i PATH="$FAKE_DOCKER_PATH" node "$PD_DISAGG_BUNDLE"
