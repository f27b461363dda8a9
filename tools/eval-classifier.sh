#!/usr/bin/env bash
# Scores every instruction engine side by side on the same rows of a labelled TSV (rules, learned, and
# the language model when BRUSHLINE_CLASSIFIER_LLM_BASE_URL is set): accuracy, per-class recall and
# precision, confusion matrix, object match (same head noun; containment). --misses lists wrong rows.
# Usage: tools/eval-classifier.sh [file.tsv] [--split test|train|all] [--misses]
# Default file: ../shared/data/instructions/public-instructions.tsv, scored on its test split (the
# learned engine trains on the rest); other files are scored whole.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/classifier-cli.sh
classifier_java io.brushline.classifier.cli.EvaluateCommand "$@"
