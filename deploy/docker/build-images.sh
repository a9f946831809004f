#!/usr/bin/env bash
# Builds every image from the repository root: deploy/docker/build-images.sh REGISTRY TAG
#   e.g. deploy/docker/build-images.sh registry.example.com/downscale 0.1.0
# Push them with PUSH=1. Needs Docker with BuildKit (Docker 23+).
set -euo pipefail
registry=${1:?usage: build-images.sh REGISTRY TAG}
tag=${2:?usage: build-images.sh REGISTRY TAG}
cd "$(dirname "$0")/../.."
for target in corpus trainer trainer-gpu evaluator scaling dashboard cli; do
  docker build -f deploy/docker/Dockerfile --target "$target" -t "$registry/$target:$tag" .
  if [ "${PUSH:-0}" = 1 ]; then docker push "$registry/$target:$tag"; fi
done
