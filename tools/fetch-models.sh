#!/usr/bin/env bash
# Puts the offline path's models into models/ (or $BRUSHLINE_MODELS_DIR) and checks their SHA-256.
#   tools/fetch-models.sh               download from the upstream repositories (needs internet)
#   tools/fetch-models.sh --from DIR    copy from a directory that already has them
set -euo pipefail
cd "$(dirname "$0")/.."
target="${BRUSHLINE_MODELS_DIR:-$PWD/models}"
mkdir -p "$target"

# name  sha256  upstream URL
models=(
  "yolox_nano.onnx 695e750a5d5754bb5a8d5325643b59282191a7e7a564e435a415fd3c578eab14 https://raw.githubusercontent.com/Kazuhito00/YOLOX-ONNX-TFLite-Sample/main/model/yolox_nano.onnx"
  "deeplabv3_mobilenetv2_voc.onnx 48a46b346ca7e2e96760b8a10a302046a3b5a9ce55e59d4c659c36d9cbd44118 https://raw.githubusercontent.com/Kazuhito00/Image-Processing-Node-Editor/main/node/deep_learning_node/semantic_segmentation/deeplab_v3/model/deeplab_v3_1_default_1.onnx"
)

from=""
if [ "${1:-}" = "--from" ]; then from="$2"; fi

for entry in "${models[@]}"; do
  read -r name sha url <<<"$entry"
  if [ -n "$from" ]; then
    cp "$from/$name" "$target/$name"
  elif [ ! -f "$target/$name" ]; then
    curl -fsSL -o "$target/$name" "$url"
  fi
  echo "$sha  $target/$name" | sha256sum -c --quiet || { echo "checksum mismatch for $name" >&2; exit 1; }
  # the services check the file against this at every start
  echo "$sha  $name" > "$target/$name.sha256"
  echo "ok  $target/$name"
done
