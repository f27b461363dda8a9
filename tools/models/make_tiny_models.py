#!/usr/bin/python3
"""Tiny random-weight TorchScript models with the exact input/output signatures of the neural
grounding and masking models, for tests of the Java pre- and post-processing (shapes, coordinate
transforms, thresholds, mask upsampling) on machines without the real checkpoints.

Run with Debian's python3-torch (1.13; the files load in DJL's libtorch 2.7.1):

    /usr/bin/python3 tools/models/make_tiny_models.py

GroundingDINO's and SAM's test models are the golden ones of make_detector_goldens.py and
make_segmenter_goldens.py (the real architectures).

Writes, deterministically (fixed seed, traced modules are byte-identical across runs):

  services/grounding/src/test/resources/tiny/owlv2.pt            OWLv2 signature, 64x64 input, 16 px patches
  services/grounding/src/test/resources/tiny/owlv2-tokenizer.json  word-level tokenizer, CLIP special tokens
"""
import json
import os

import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GROUNDING = os.path.join(ROOT, "services/grounding/src/test/resources/tiny")

OWL_INPUT = 64
OWL_PATCH = 16
OWL_DIM = 8
TEXT_LENGTH = 16
VOCAB = ["!", "<|startoftext|>", "<|endoftext|>", "[UNK]", "a", "photo", "of", "the", "dog", "cat",
         "person", "car", "whale", "balloon"]


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
    with torch.no_grad():
        owl = TinyOwlv2().eval()
        ids = torch.zeros(1, TEXT_LENGTH, dtype=torch.int64)
        torch.jit.trace(owl, (ids, torch.ones_like(ids), torch.zeros(1, 3, OWL_INPUT, OWL_INPUT))).save(
            os.path.join(GROUNDING, "owlv2.pt"))
    # OWLv2's real tokenizer pads with "!" (id 0) and wraps text in CLIP's start and end tokens.
    write_json(os.path.join(GROUNDING, "owlv2-tokenizer.json"),
               word_level_tokenizer(VOCAB, "[UNK]", "<|startoftext|>", "<|endoftext|>"))


if __name__ == "__main__":
    main()
