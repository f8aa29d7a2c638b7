#!/usr/bin/env bash
# Builds the classes and .devkit for src/bench/device-run.sh with the shared kit script, also in a git worktree (where .git is a file, which that script cannot use).
# Usage: src/bench/prepare-kit.sh [KIT_SCRIPT]   (default /work/shared/gpu/prepare-device-kit; see shared/gpu/README.md)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
kit_script=$(readlink -f "${1:-/work/shared/gpu/prepare-device-kit}")
[ -f "$kit_script" ] || { echo "prepare-kit: $kit_script not found (give the kit script's path)" >&2; exit 2; }
mvn -B -q -DskipTests test-compile
if [ -d .git ]; then
  exec bash "$kit_script"
fi
# A worktree: build the kit in a scratch root that has a .git folder, then move it here.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/.git" "$tmp/data" "$tmp/target"
cp pom.xml "$tmp/"
if [ -d data/mnist ]; then ln -s "$(cd data/mnist && pwd -P)" "$tmp/data/mnist"; fi
cp -r target/classes target/test-classes "$tmp/target/"
(cd "$tmp" && bash "$kit_script")
rm -rf .devkit
mv "$tmp/.devkit" .devkit
echo "prepare-kit: .devkit is ready ($(du -sm .devkit | cut -f1) MiB; carry .devkit, target/classes and target/test-classes)"
