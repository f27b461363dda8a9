#!/usr/bin/env python3
"""Exports GroundingDINO to the TorchScript file and tokenizer the grounding service loads
(brushline.grounding.detector=grounding-dino).

    pip install torch transformers
    python tools/export/export_grounding_dino.py --out models/     # downloads the checkpoint once

Writes models/grounding-dino.pt and models/grounding-dino-tokenizer.json, and prints their sha256.

Signature of grounding-dino.pt (what io.brushline.grounding.GroundingDinoDetector feeds and reads):
    forward(pixel_values [1,3,H,W] float32, input_ids [1,T] int64, attention_mask [1,T] int64,
            token_type_ids [1,T] int64) -> (logits [1,900,256], pred_boxes [1,900,4])
pixel_values: short side 800, long side at most 1333, ImageNet mean/std; input_ids: BERT tokens of
"<phrase> ."; logits per query and text position (padded to 256); pred_boxes: (cx, cy, w, h) of the
image in 0..1. The model is traced at one input size; its convolutions and attention accept others.
"""
import argparse
import hashlib
import os

import torch
from torch import nn
from transformers import AutoProcessor, GroundingDinoForObjectDetection


class GroundingDinoExport(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, pixel_values, input_ids, attention_mask, token_type_ids):
        pixel_mask = torch.ones_like(pixel_values[:, 0], dtype=torch.int64)
        out = self.model(pixel_values=pixel_values, pixel_mask=pixel_mask, input_ids=input_ids,
                         attention_mask=attention_mask, token_type_ids=token_type_ids)
        return out.logits, out.pred_boxes


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="IDEA-Research/grounding-dino-tiny")
    parser.add_argument("--out", default="models")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    processor = AutoProcessor.from_pretrained(args.model)
    model = GroundingDinoForObjectDetection.from_pretrained(args.model).eval()
    text = processor.tokenizer(["a dog ."], return_tensors="pt")
    pixels = torch.zeros(1, 3, 800, 1200)
    with torch.no_grad():
        traced = torch.jit.trace(GroundingDinoExport(model),
                                 (pixels, text["input_ids"], text["attention_mask"], text["token_type_ids"]),
                                 strict=False, check_trace=False)
    model_file = os.path.join(args.out, "grounding-dino.pt")
    traced.save(model_file)
    tokenizer_file = os.path.join(args.out, "grounding-dino-tokenizer.json")
    processor.tokenizer.backend_tokenizer.save(tokenizer_file)
    for path in (model_file, tokenizer_file):
        print(f"{sha256(path)}  {path}")


if __name__ == "__main__":
    main()
