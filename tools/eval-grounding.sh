#!/usr/bin/env bash
# Detection recall at IoU 0.5, mask IoU and time per image of the offline path on annotated photos.
#   tools/eval-grounding.sh [images-dir, default ../shared/data/images]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
exec "$here/tools/grounding-java.sh" io.brushline.masking.tools.EvalGrounding "${1:-$here/../shared/data/images}"
