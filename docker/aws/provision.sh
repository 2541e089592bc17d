#!/usr/bin/env bash
# Sets up a grow node on Debian 12 (bookworm), as root: what docker/aws/grow-node.pkr.hcl runs on
# the build instance. Safe to run again.
#   provision.sh FOLDER      FOLDER holds bin/grow-head, bin/grow-worker and build-steps.sh
# GROW_IMAGE (optional): an image to pull, e.g. 123456789012.dkr.ecr.eu-central-1.amazonaws.com/grow:latest;
# an ECR image is pulled after `grow-head image login` with the instance profile's credentials.
set -euo pipefail
folder="${1:?provision.sh FOLDER (with bin/grow-head, bin/grow-worker and build-steps.sh)}"
say() { echo "provision: $*" >&2; }

for binary in grow-head grow-worker; do
  if [ ! -x "$folder/bin/$binary" ]; then
    echo "provision: $folder/bin/$binary is missing: run docker/build-steps.sh build docker/host-bin first" >&2
    exit 2
  fi
done

say "runtime packages: $(bash "$folder/build-steps.sh" runtime-packages)"
bash "$folder/build-steps.sh" install-runtime

say "Docker (docker.io)"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io
apt-get clean
rm -rf /var/lib/apt/lists/*
systemctl enable --now docker.service
# The login user (admin on Debian's AMIs) runs docker without sudo, as grow-head up expects.
login_user="${SUDO_USER:-admin}"
if id "$login_user" >/dev/null 2>&1; then usermod -aG docker "$login_user"; fi

say "grow-head and grow-worker in /usr/local/bin"
install -m 0755 "$folder/bin/grow-head" "$folder/bin/grow-worker" /usr/local/bin/
grow-head --help >/dev/null

if [ -n "${GROW_IMAGE:-}" ]; then
  registry="${GROW_IMAGE%%/*}"
  case "$registry" in
    *.dkr.ecr.*.amazonaws.com) grow-head image login "$registry" ;;
  esac
  say "pulling $GROW_IMAGE"
  docker pull "$GROW_IMAGE"
fi
say "done"
