#!/bin/sh
# A `docker` stand-in for kustomize and kpt container functions (no Docker engine on these machines). It logs the argv
# it was given, then runs the built bundle the way the image runs it: as nobody (65534), without network, with an
# empty environment (no HOME), reading the ResourceList on stdin. Arguments after the image go to the function
# (`kpt fn doc` runs `docker run --rm IMAGE --help`).
printf '%s\n' "$*" >> "${FAKE_DOCKER_LOG:-/dev/null}"
case "$1" in
  version) echo 27.0.0; exit 0 ;;
  run) shift ;;
  *) echo "fake docker: unsupported command $1" >&2; exit 1 ;;
esac
# skip `docker run` options up to the image; the options below take a separate value
while [ $# -gt 0 ]; do
  case "$1" in
    -a|-e|-v|-u|-w|--network|--user|--mount|--pull|--env|--name|--entrypoint|--workdir|--volume) shift 2 ;;
    -*) shift ;;
    *) break ;;
  esac
done
[ $# -gt 0 ] || { echo "fake docker: no image given" >&2; exit 1; }
shift # the image
cd "${FAKE_DOCKER_WORKDIR:-/}" || exit 1
exec unshare -n --fork setpriv --reuid 65534 --regid 65534 --clear-groups \
  env -i PATH="$FAKE_DOCKER_PATH" node "$PD_DISAGG_BUNDLE" "$@"
