#!/usr/bin/env python3
"""Exports OWLv2 to the TorchScript file and tokenizer the grounding service loads
(brushline.grounding.detector=owlv2).

    pip install torch transformers
    python tools/export/export_owlv2.py --out models/     # downloads the checkpoint once

Writes models/owlv2.pt and models/owlv2-tokenizer.json, and prints their sha256.

Signature of owlv2.pt (what io.brushline.grounding.Owlv2Detector feeds and reads):
    forward(input_ids [Q,16] int64, attention_mask [Q,16] int64, pixel_values [1,3,S,S] float32)
      -> (logits [1,P,Q], pred_boxes [1,P,4])
pixel_values: the image padded bottom-right to a square with grey 0.5, resized to S (960 for the
base-patch16 models), CLIP mean/std normalised; pred_boxes: (cx, cy, w, h) of that square in 0..1.
"""
import argparse
import os
import sys

import torch
from torch import nn
from transformers import Owlv2ForObjectDetection, Owlv2Processor

# callers that load this file by path (runpy.run_path, importlib) do not put its folder on sys.path
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checksums import print_sha256  # noqa: E402


class Owlv2Export(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, pixel_values):
        out = self.model(input_ids=input_ids, attention_mask=attention_mask, pixel_values=pixel_values)
        return out.logits, out.pred_boxes


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="google/owlv2-base-patch16-ensemble")
    parser.add_argument("--out", default="models")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    processor = Owlv2Processor.from_pretrained(args.model)
    model = Owlv2ForObjectDetection.from_pretrained(args.model).eval()
    side = processor.image_processor.size["height"]
    tokens = processor.tokenizer(["a dog"], padding="max_length", max_length=16, return_tensors="pt")
    pixels = torch.zeros(1, 3, side, side)
    with torch.no_grad():
        traced = torch.jit.trace(Owlv2Export(model), (tokens["input_ids"], tokens["attention_mask"], pixels),
                                 strict=False)
    model_file = os.path.join(args.out, "owlv2.pt")
    traced.save(model_file)
    tokenizer_file = os.path.join(args.out, "owlv2-tokenizer.json")
    processor.tokenizer.backend_tokenizer.save(tokenizer_file)
    print_sha256((model_file, tokenizer_file))
    print(f"input side: {side} (brushline.grounding.owlv2.image-size)")


if __name__ == "__main__":
    main()
