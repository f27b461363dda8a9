#!/usr/bin/env bash
# Classifies instructions, one per line, with the learned offline engine (--engine rules for the rules);
# one JSON object per output line, with the decision (confidence, nearest examples).
# Usage: tools/classify.sh [--engine learned|rules] [--image-size WxH] [file]     (reads stdin when no file is given)
# Needs the classifier built once: mvn -B -q -pl services/classifier package -DskipTests
set -euo pipefail
source "$(dirname "$0")/classifier-cli.sh"
classifier_java io.brushline.classifier.cli.ClassifyCommand "$@"
