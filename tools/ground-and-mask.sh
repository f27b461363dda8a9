#!/usr/bin/env bash
# Runs the offline grounding + masking path on one image and writes mask.png and overlay.png.
#   tools/ground-and-mask.sh <image> "<object phrase>" [LOCAL|REMOVE|BACKGROUND|ADD|GLOBAL] [out-dir]
# Models come from $BRUSHLINE_MODELS_DIR (default: ../shared/models next to the repository, else ./models).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
exec "$here/tools/grounding-java.sh" io.brushline.masking.tools.GroundAndMask "$@"
