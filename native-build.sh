#!/usr/bin/env bash
# The native executable and its container image (src/main/docker/Dockerfile.native):
#   - with a local GraalVM or Mandrel (native-image in GRAALVM_HOME, JAVA_HOME or on the PATH): ./mvnw package -Dnative
#   - else, where Docker or Podman runs: the same build inside Quarkus' builder image
#     (-Dquarkus.native.container-build=true)
# then the image $IMAGE (default integration-hub:native) with Docker or Podman, if one runs.
# Where neither a native-image nor a container runtime exists it stops and says what to install.
# Extra arguments go to Maven (e.g. -DskipTests; `./mvnw verify -Dnative` also runs PackagedArtifactIT against it).
set -euo pipefail
cd "$(dirname "$0")"
image=${IMAGE:-integration-hub:native}

graalvm_home() {
  local candidate
  for candidate in "${GRAALVM_HOME:-}" "${JAVA_HOME:-}"; do
    if [[ -n $candidate && -x $candidate/bin/native-image ]]; then
      echo "$candidate"
      return
    fi
  done
  if command -v native-image >/dev/null; then
    dirname "$(dirname "$(readlink -f "$(command -v native-image)")")"
  fi
}

container_runtime() {
  local candidate
  for candidate in docker podman; do
    if command -v "$candidate" >/dev/null && timeout 30 "$candidate" info >/dev/null 2>&1; then
      echo "$candidate"
      return
    fi
  done
}

graalvm=$(graalvm_home)
runtime=$(container_runtime)
if [[ -z $graalvm && -z $runtime ]]; then
  cat >&2 <<'MESSAGE'
native-build.sh: cannot build a native executable here: there is no native-image (GraalVM or Mandrel) and no
running container runtime (Docker or Podman). Install one of:
  - Mandrel or GraalVM for JDK 25 (https://github.com/graalvm/mandrel/releases, https://www.graalvm.org/downloads/)
    and set GRAALVM_HOME to it (or put its bin/ on the PATH);
  - Docker or Podman, started, to build inside Quarkus' builder image instead.
MESSAGE
  for candidate in docker podman; do
    if command -v "$candidate" >/dev/null; then
      echo "($candidate is installed, but \`$candidate info\` gets no answer from its daemon or service.)" >&2
    fi
  done
  exit 1
fi

source bin/java-home   # Maven and the build itself run on JDK 25
if [[ -n $graalvm ]]; then
  echo "native-build.sh: building with the local native-image of $graalvm"
  GRAALVM_HOME=$graalvm ./mvnw -B package -Dnative "$@"
else
  echo "native-build.sh: no local native-image; building inside Quarkus' builder image with $runtime"
  ./mvnw -B package -Dnative -Dquarkus.native.container-build=true -Dquarkus.native.container-runtime="$runtime" "$@"
fi

if [[ -z $runtime ]]; then
  echo "native-build.sh: built $(ls target/*-runner); no container runtime, so no image" >&2
  exit 0
fi
"$runtime" build -f src/main/docker/Dockerfile.native -t "$image" .
echo "native-build.sh: image $image"
