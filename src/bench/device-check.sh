#!/usr/bin/env bash
# On the GPU machine (see ../shared/gpu/README.md): the gpu-tagged tests, doctor, our bench twice
# around PyTorch's (so both are measured in one session), and a default training run.
# Prepare on the build machine: mvn -B -DskipTests test-compile && ../shared/gpu/prepare-device-kit
# then run with the project tree plus .devkit, target/classes and target/test-classes:
#   OUT=somewhere bash src/bench/device-check.sh        (logs in $OUT, default ./device-out)
set -u
OUT=${OUT:-device-out}
mkdir -p "$OUT"
J="bash .devkit/run java -Xmx8g gpumlp.Main"
D=.devkit/data
step() { # step NAME SECONDS COMMAND...: runs it with a time limit, logs to $OUT/NAME.txt
  local name=$1 limit=$2; shift 2
  local t0=$SECONDS
  timeout "$limit" "$@" > "$OUT/$name.txt" 2>&1
  echo "$name: rc=$? $((SECONDS - t0)) s" | tee -a "$OUT/summary.txt"
}
step info 30 bash .devkit/run info
step gpu-tests 150 bash .devkit/run test --include-tag gpu
step doctor 40 $J doctor
step bench 120 $J bench --device gpu --data $D --epochs 7
step torch 150 python3 src/bench/torch_mlp.py $D
step bench-again 120 $J bench --device gpu --data $D --epochs 7
step train-default 60 $J train --device gpu --data $D -o /tmp/gpu-default.npz
step bench-deform 90 $J bench --device gpu --data $D --batch-sizes 128 --epochs 5 --elastic 34,4
