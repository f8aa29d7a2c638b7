#!/usr/bin/env bash
# One command on the GPU machine for every GPU figure of the deformation work: checks, bench (floor, memory, deformation cost, deep net), and each recipe of gpu-mlp next to its PyTorch twin.
#
# Prepare on the build machine, from the project root (see shared/gpu/README.md; a worktree works too):
#   src/bench/prepare-kit.sh
# then carry .devkit, target/classes and target/test-classes with the tree, and on the GPU machine, from the root:
#   OUT=somewhere bash src/bench/device-run.sh                 every step, within BUDGET seconds
#   OUT=somewhere bash src/bench/device-run.sh bench-fp32 ours-simard      only the steps named
# Environment: OUT (default device-out); BUDGET, seconds for the whole run (default 560: one device command may run
# 600); DEEP_SECONDS, the training time the deep recipe's epochs are sized to from bench-tf32 (default 150), or
# DEEP_EPOCHS to fix them; DATA (default .devkit/data). Each step runs under `timeout`, never past the budget; its
# output is $OUT/STEP.txt, its exit status and time a line of $OUT/steps.txt; the last step prints the side-by-side
# figures (src/bench/summarise.py, also $OUT/summary.json).
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
OUT=${OUT:-device-out}
BUDGET=${BUDGET:-560}
DEEP_SECONDS=${DEEP_SECONDS:-150}
D=${DATA:-.devkit/data}
mkdir -p "$OUT"
J="bash .devkit/run java -Xmx16g gpumlp.Main"
T0=$SECONDS
ALL="info doctor twin-check deform-tests bench-fp32 bench-tf32 ours-simard torch-simard ours-ciresan torch-ciresan gpu-tests summary"
# Not in the default run, named when wanted (the GPU backend's checks: bash src/bench/device-run.sh info fault-tests
# gpu-tests bench-plain): every CUDA call of three small training runs made to fail in turn, and the README's
# 784-800-10 bench at batch 1, 128 and 8192 to compare with its figures.
EXTRA="fault-tests bench-plain"

left() { echo $((BUDGET - (SECONDS - T0))); }

step() { # step NAME LIMIT COMMAND...: COMMAND's output to $OUT/NAME.txt, for at most LIMIT seconds and what the budget has left
  local name=$1 limit=$2 l t rc
  shift 2
  l=$(left)
  [ "$l" -lt "$limit" ] && limit=$l
  if [ "$limit" -lt 10 ]; then
    echo "$name: skipped, the budget is spent" | tee -a "$OUT/steps.txt"
    return 0
  fi
  t=$SECONDS
  timeout -k 5 "$limit" "$@" > "$OUT/$name.txt" 2>&1
  rc=$?
  echo "$name: rc=$rc $((SECONDS - t)) s (limit $limit s)" | tee -a "$OUT/steps.txt"
}

recipe() { # recipe NAME [OPTIONS]: gpu-mlp train options of a recipe (src/bench/twin_common.py holds them)
  python3 src/bench/twin_common.py java-args "$@"
}

deep_epochs() { # epochs of the deep recipe that fit DEEP_SECONDS of training, from bench-tf32's deformed deep row
  python3 - "$OUT/bench-tf32.txt" "$DEEP_SECONDS" <<'PY'
import json, sys
t = None
try:
    for line in open(sys.argv[1]):
        if line.startswith('{'):
            r = json.loads(line)
            if r['network'].startswith('784-2500-') and r['batch'] == 128 and r['deformations'] != 'none':
                t = r['median_epoch_seconds']
except (OSError, ValueError, KeyError):
    pass
# the recipe trains on 5/6 of the images (bench on all), and each epoch also scores the validation split
print(max(5, min(1000, int(float(sys.argv[2]) / (t * 5 / 6 * 1.05)))) if t else 40)
PY
}

ours() { # ours NAME EPOCHS LIMIT: gpu-mlp trains recipe NAME on the GPU
  local name=$1 epochs=$2 limit=$3
  # shellcheck disable=SC2046 # the recipe's options are words
  step "ours-$name" "$limit" $J train --device gpu --data "$D" $(recipe "$name" --epochs "$epochs") --progress never \
    --metrics "$OUT/ours-$name.metrics.jsonl" --result "$OUT/ours-$name.result.json" -o "/tmp/ours-$name.npz"
}

twin() { # twin NAME EPOCHS LIMIT: the PyTorch twin of recipe NAME, stopping in time to report
  local name=$1 epochs=$2 limit=$3 l
  l=$(left)
  [ "$l" -lt "$limit" ] && limit=$l
  step "torch-$name" "$limit" python3 src/bench/deform_twin.py "$D" --recipe "$name" --epochs "$epochs" \
    --time-limit $((limit > 60 ? limit - 45 : 15)) --json "$OUT/torch-$name.json"
}

run_step() {
  case "$1" in
    info) step info 20 bash .devkit/run info ;;
    doctor) step doctor 60 $J doctor ;;
    twin-check) step twin-check 90 python3 src/bench/deform_twin.py --self-check ;;
    deform-tests) step deform-tests 120 bash .devkit/run test \
      --include-classname 'gpumlp[.]gpu[.](DeformKernelsTest|GpuDeformTest|GpuMeterTest)' ;;
    bench-fp32) step bench-fp32 90 $J bench --device gpu --data "$D" --batch-sizes 128,8192 --epochs 3 --deep \
      --elastic 34,4 --json ;;
    bench-tf32) step bench-tf32 90 $J bench --device gpu --tf32 --data "$D" --batch-sizes 128,8192 --epochs 3 --deep \
      --elastic 34,4 --json ;;
    ours-simard) ours simard 80 90 ;;
    torch-simard) twin simard 80 120 ;;
    ours-ciresan) ours ciresan "${DEEP_EPOCHS:-$(deep_epochs)}" $((DEEP_SECONDS + 60)) ;;
    torch-ciresan) twin ciresan "${DEEP_EPOCHS:-$(deep_epochs)}" $((DEEP_SECONDS + 120)) ;;
    gpu-tests) step gpu-tests 300 bash .devkit/run test --include-tag gpu --exclude-classname '.*GpuFaultInjectionTest' ;;
    fault-tests) step fault-tests 300 bash .devkit/run test --include-classname 'gpumlp[.]gpu[.]GpuFaultInjectionTest' ;;
    bench-plain) step bench-plain 120 $J bench --device gpu --data "$D" --epochs 7 ;;
    summary) step summary 30 python3 src/bench/summarise.py "$OUT"; cat "$OUT/summary.txt" ;;
    *) echo "device-run: unknown step $1 (steps: $ALL $EXTRA)" >&2; return 2 ;;
  esac
}

for s in ${*:-$ALL}; do
  run_step "$s" || exit 2
done
