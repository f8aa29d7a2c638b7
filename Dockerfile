# gpu-mlp container image: stage 1 builds the jar and runs the CPU tests; stage 2 is the CUDA 12.6
# runtime (libcublas.so.12 and libnvrtc.so.12, which JCuda 12.6 loads) with a Java 17 runtime.
#   docker build -t gpu-mlp:latest .
#   docker run --gpus all -v "$PWD/data/mnist:/data:ro" -v "$PWD/runs:/out" gpu-mlp:latest train --epochs 10
# Data is read from /data (GPU_MLP_DATA), models, metrics and checkpoints go to /out.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY kernels kernels
COPY src src
COPY data/mnist-subset data/mnist-subset
# the tests also read the documentation and templates (their command lines must parse)
COPY README.md Dockerfile .dockerignore ./
COPY deploy deploy
# the test suite (CPU only; tests tagged gpu are left out), then the runnable jar
RUN mvn -B package

FROM nvidia/cuda:12.6.3-runtime-ubuntu22.04
RUN apt-get update \
    && apt-get install -y --no-install-recommends openjdk-17-jre-headless \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --uid 10001 --create-home --shell /usr/sbin/nologin gpumlp \
    && mkdir -p /data /out && chown gpumlp:gpumlp /out
COPY --from=build /src/target/gpu-mlp.jar /opt/gpu-mlp/gpu-mlp.jar
ENV GPU_MLP_DATA=/data \
    GPU_MLP_OUTPUT=/out/model.npz \
    GPU_MLP_METRICS=/out/metrics.jsonl
WORKDIR /out
USER 10001
ENTRYPOINT ["java", "-jar", "/opt/gpu-mlp/gpu-mlp.jar"]
CMD ["train", "--checkpoint-dir", "/out/checkpoints", "--resume", "--log-format", "json"]
