#!/usr/bin/env bash
# Proves one of the README's commands the way a new user meets it: on a FRESH engine, from a fresh clone.
#
#   bash scripts/fresh-engine.sh --yes-purge-docker start|test
#
# DESTRUCTIVE, for this project's own Debian 12 machines only: it stops dockerd and every docker-registry,
# purges Debian's docker.io, containerd, runc and docker-registry, deletes docker0 and removes
# /var/lib/docker, /var/lib/containerd, /etc/docker and stagepack's state folder (every image, container
# and volume on the machine). Then it clones this checkout's HEAD into /tmp and runs `npm start` or
# `npm test` there, printing the clone's commit and the command's exit code and duration.
# A warm engine hides what a freshly started dockerd does (its bridge reports no gateway, for one); CI runs
# on a warm one, so run this before resolving anything that touches the engine, and quote its summary lines.
set -u
[ "${1:-}" = "--yes-purge-docker" ] || { echo "usage: $0 --yes-purge-docker start|test   (purges Docker and every image on this machine)" >&2; exit 2; }
what=${2:-}
case "$what" in start|test) ;; *) echo "usage: $0 --yes-purge-docker start|test" >&2; exit 2;; esac
[ "$(id -u)" = 0 ] || { echo "$0: must run as root (it purges packages)" >&2; exit 2; }
repo=$(cd "$(dirname "$0")/.." && pwd)

pkill -f 'docker-registry serve' || true
pkill -x dockerd || true
pkill -x containerd || true
sleep 3
# Never leave dpkg half-way (an interrupted purge breaks the next apt-get install).
DEBIAN_FRONTEND=noninteractive dpkg --configure -a
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq docker.io containerd runc docker-registry >/dev/null
ip link delete docker0 2>/dev/null || true
for dir in /var/lib/docker /var/lib/containerd /etc/docker "${STAGEPACK_STATE_DIR:-$HOME/.local/state/stagepack}"; do
    # A folder that is itself a mount point (these VMs mount /var/lib/docker) cannot go: empty it instead.
    if mountpoint -q "$dir"; then find "$dir" -mindepth 1 -delete; else rm -rf "$dir"; fi
done
state() { if [ ! -e "$1" ]; then echo none; elif [ -z "$(ls -A "$1")" ]; then echo "empty mount point"; else echo "NOT EMPTY"; fi; }
echo "fresh engine: dockerd=$(command -v dockerd || echo none) docker0=$(ip -brief link show docker0 2>/dev/null || echo none) /var/lib/docker=$(state /var/lib/docker) /var/lib/containerd=$(state /var/lib/containerd)"

dir=$(mktemp -d "/tmp/fresh-$what-XXXXXX")
git clone -q "$repo" "$dir" && cd "$dir" || exit 1
echo "clone $(git log --oneline -1 | cut -c1-100)"
start=$(date +%s)
npm "$what"
code=$?
echo "npm $what exit $code after $(( $(date +%s) - start )) s"
exit "$code"
