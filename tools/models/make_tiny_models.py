#!/usr/bin/python3
"""Tiny random-weight TorchScript models with the exact input/output signatures of the neural
grounding and masking models, for tests of the Java pre- and post-processing (shapes, coordinate
transforms, thresholds, mask upsampling) on machines without the real checkpoints.

Run with Debian's python3-torch (1.13; the files load in DJL's libtorch 2.7.1):

    /usr/bin/python3 tools/models/make_tiny_models.py

GroundingDINO's test model is the golden one of make_detector_goldens.py (the real architecture).

Writes, deterministically (fixed seed, traced modules are byte-identical across runs):

  services/grounding/src/test/resources/tiny/owlv2.pt            OWLv2 signature, 64x64 input, 16 px patches
  services/grounding/src/test/resources/tiny/owlv2-tokenizer.json  word-level tokenizer, CLIP special tokens
  services/masking/src/test/resources/tiny/sam-encoder.pt         SAM image encoder signature, 128x128 input
  services/masking/src/test/resources/tiny/sam-decoder.pt         SAM prompt decoder signature

The tiny SAM decoder is not random where the tests need a known answer: its low-resolution mask is
positive inside the prompt box (points labelled 2 and 3) and around foreground points (label 1), in
input-frame pixels, plus a small random term from the image embedding. A Java test can therefore
check that a box given in source pixels comes back as a mask over the same source pixels.
"""
import json
import os

import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GROUNDING = os.path.join(ROOT, "services/grounding/src/test/resources/tiny")
MASKING = os.path.join(ROOT, "services/masking/src/test/resources/tiny")

OWL_INPUT = 64
OWL_PATCH = 16
OWL_DIM = 8
TEXT_LENGTH = 16
VOCAB = ["!", "<|startoftext|>", "<|endoftext|>", "[UNK]", "a", "photo", "of", "the", "dog", "cat",
         "person", "car", "whale", "balloon"]

SAM_INPUT = 128
SAM_PATCH = 16
SAM_DIM = 4
SAM_LOW_RES = 4 * SAM_INPUT // SAM_PATCH  # SAM: 64x64 embedding -> 256x256 low-res masks


class TinyOwlv2(nn.Module):
    """forward(input_ids [Q,16] int64, attention_mask [Q,16] int64, pixel_values [1,3,S,S] float)
    -> logits [1, patches, Q], pred_boxes [1, patches, 4] (cx, cy, w, h normalised to the padded square)."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(len(VOCAB), OWL_DIM)
        self.patches = nn.Conv2d(3, OWL_DIM, OWL_PATCH, OWL_PATCH)
        self.box = nn.Linear(OWL_DIM, 4)

    def forward(self, input_ids, attention_mask, pixel_values):
        mask = attention_mask.unsqueeze(-1).float()
        queries = (self.embed(input_ids) * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        features = self.patches(pixel_values).flatten(2).transpose(1, 2)
        logits = features @ queries.transpose(0, 1)
        boxes = torch.sigmoid(self.box(features))
        return logits, boxes


class TinySamEncoder(nn.Module):
    """forward(pixel_values [1,3,S,S], ImageNet-normalised, long side resized to S, padded bottom-right)
    -> image_embeddings [1, C, S/16, S/16]."""

    def __init__(self):
        super().__init__()
        self.patches = nn.Conv2d(3, SAM_DIM, SAM_PATCH, SAM_PATCH)

    def forward(self, pixel_values):
        return self.patches(pixel_values)


class TinySamDecoder(nn.Module):
    """forward(image_embeddings [1,C,h,w], point_coords [1,N,2] (input-frame pixels), point_labels [1,N]
    (1 foreground, 0 background, 2/3 box corners, -1 padding), mask_input [1,1,4h,4w], has_mask_input [1])
    -> low_res_masks [1,1,4h,4w] logits, iou_predictions [1,1]."""

    def __init__(self):
        super().__init__()
        self.head = nn.Conv2d(SAM_DIM, 1, 1)
        self.upsample = nn.Upsample(scale_factor=4.0, mode="nearest")

    def forward(self, image_embeddings, point_coords, point_labels, mask_input, has_mask_input):
        cell = SAM_INPUT / SAM_LOW_RES
        centres = (torch.arange(SAM_LOW_RES, dtype=torch.float32) + 0.5) * cell
        yy = centres.view(1, SAM_LOW_RES, 1)
        xx = centres.view(1, 1, SAM_LOW_RES)
        labels = point_labels.float()
        x = point_coords[0, :, 0].view(-1, 1, 1)
        y = point_coords[0, :, 1].view(-1, 1, 1)
        top_left = (labels[0] == 2).float().view(-1, 1, 1)
        bottom_right = (labels[0] == 3).float().view(-1, 1, 1)
        # inside the box: right of and below the top-left corner, left of and above the bottom-right one
        after_tl = ((xx >= x) & (yy >= y)).float() * top_left + (1 - top_left)
        before_br = ((xx < x) & (yy < y)).float() * bottom_right + (1 - bottom_right)
        has_box = (top_left.sum() > 0).float()
        in_box = after_tl.prod(0) * before_br.prod(0) * has_box
        foreground = (labels[0] == 1).float().view(-1, 1, 1)
        radius = SAM_INPUT / 8.0
        near = (((xx - x) ** 2 + (yy - y) ** 2) < radius ** 2).float() * foreground
        region = torch.clamp(in_box + near.sum(0), 0.0, 1.0)
        noise = 0.01 * torch.tanh(self.upsample(self.head(image_embeddings)))[0, 0]
        prior = 0.0 * mask_input[0, 0] * has_mask_input[0]
        logits = (region * 20.0 - 10.0 + noise + prior).view(1, 1, SAM_LOW_RES, SAM_LOW_RES)
        iou = torch.sigmoid(self.head(image_embeddings).mean()).view(1, 1)
        return logits, iou


def word_level_tokenizer(vocab, unknown, start, end):
    """A word-level tokenizer in the Hugging Face tokenizers format, wrapping text in the model's
    start and end tokens like its real tokenizer does."""
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": vocab.index(t), "content": t, "single_word": False, "lstrip": False, "rstrip": False,
             "normalized": False, "special": True}
            for t in [start, end]
        ],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": start, "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": end, "type_id": 0}}],
            "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {t: {"id": t, "ids": [vocab.index(t)], "tokens": [t]} for t in [start, end]},
        },
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": {t: i for i, t in enumerate(vocab)}, "unk_token": unknown},
    }


def write_json(path, value):
    with open(path, "w") as out:
        json.dump(value, out, indent=1, sort_keys=True)
        out.write("\n")


def main():
    torch.manual_seed(0)
    os.makedirs(GROUNDING, exist_ok=True)
    os.makedirs(MASKING, exist_ok=True)
    with torch.no_grad():
        owl = TinyOwlv2().eval()
        ids = torch.zeros(1, TEXT_LENGTH, dtype=torch.int64)
        torch.jit.trace(owl, (ids, torch.ones_like(ids), torch.zeros(1, 3, OWL_INPUT, OWL_INPUT))).save(
            os.path.join(GROUNDING, "owlv2.pt"))
        encoder = TinySamEncoder().eval()
        torch.jit.trace(encoder, (torch.zeros(1, 3, SAM_INPUT, SAM_INPUT),)).save(
            os.path.join(MASKING, "sam-encoder.pt"))
        decoder = TinySamDecoder().eval()
        grid = SAM_INPUT // SAM_PATCH
        example = (torch.zeros(1, SAM_DIM, grid, grid), torch.tensor([[[10.0, 10.0], [50.0, 60.0]]]),
                   torch.tensor([[2.0, 3.0]]), torch.zeros(1, 1, SAM_LOW_RES, SAM_LOW_RES), torch.zeros(1))
        torch.jit.trace(decoder, example).save(os.path.join(MASKING, "sam-decoder.pt"))
    # OWLv2's real tokenizer pads with "!" (id 0) and wraps text in CLIP's start and end tokens.
    write_json(os.path.join(GROUNDING, "owlv2-tokenizer.json"),
               word_level_tokenizer(VOCAB, "[UNK]", "<|startoftext|>", "<|endoftext|>"))


if __name__ == "__main__":
    main()
