#!/usr/bin/env bash
# Times gpu-mlp's CPU path and the NumPy/OpenBLAS reference back to back (784-800-10, batch 128 and 1) and prints the ratios.
# Usage: src/bench/cpu-vs-numpy.sh [DATA_DIR] [NUMPY_SCRIPT]
#   DATA_DIR      full MNIST (default data/mnist; run data/fetch-mnist.sh first)
#   NUMPY_SCRIPT  the NumPy comparison (default src/bench/numpy_mlp.py, the same network in NumPy); needs python3 with numpy
# Needs target/gpu-mlp.jar (mvn -B -q package -DskipTests). Epoch times exclude evaluation on both sides.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
data="${1:-data/mnist}"
numpy_script="${2:-src/bench/numpy_mlp.py}"
jar=target/gpu-mlp.jar
[[ -f "$jar" ]] || { echo "error: $jar is missing: run 'mvn -B -q package -DskipTests' first" >&2; exit 1; }
[[ -f "$numpy_script" ]] || { echo "error: NumPy script $numpy_script not found (second argument)" >&2; exit 1; }
python3 -c 'import numpy' 2>/dev/null || { echo "error: python3 with numpy is needed (Debian: apt-get install python3-numpy)" >&2; exit 1; }
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(java -version 2>&1 | head -1)"
echo "batch 128 (lr 0.1, 3 epochs each) ..."
java -jar "$jar" bench --device cpu --data "$data" --batch-sizes 128 --epochs 3 --json > "$out/ours128.jsonl"
python3 "$numpy_script" "$data" --batch 128 --lr 0.1 --epochs 3 > "$out/numpy128.jsonl"
echo "batch 1 (lr 0.01; ours: 3 full epochs; NumPy: 3 epochs of 6000 samples, scaled to 60000) ..."
java -jar "$jar" bench --device cpu --data "$data" --batch-sizes 1 --epochs 3 --json > "$out/ours1.jsonl"
python3 "$numpy_script" "$data" --batch 1 --lr 0.01 --epochs 3 --limit 6000 > "$out/numpy1.jsonl"

python3 - "$out" <<'PY'
import json, sys, os
d = sys.argv[1]
def last(name, key):
    rows = [json.loads(l) for l in open(os.path.join(d, name)) if l.strip()]
    return [r for r in rows if key in r][-1]
for b in (128, 1):
    ours = last(f"ours{b}.jsonl", "median_epoch_seconds")
    npy = last(f"numpy{b}.jsonl", "median_epoch_seconds_60000")
    o, n = ours["median_epoch_seconds"], npy["median_epoch_seconds_60000"]
    print(f"batch {b:>3}: gpu-mlp cpu {o:7.3f} s/epoch (test acc {100*ours['test_accuracy']:.2f}%), "
          f"numpy {n:7.3f} s/epoch (test acc {100*npy['test_acc_final']:.2f}%), ratio gpu-mlp/numpy = {o/n:.3f}")
PY
