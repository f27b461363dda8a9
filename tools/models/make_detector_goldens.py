#!/usr/bin/python3
"""Golden data for the neural detectors: a tiny random-weight GroundingDINO built from transformers'
own classes (the real architecture: Swin backbone, BERT text encoder, deformable encoder/decoder, at toy
widths), exported by the project's tools/export/export_grounding_dino.py, plus input images and what
transformers' GroundingDinoProcessor, GroundingDinoForObjectDetection and
post_process_grounded_object_detection make of them. The Java tests compare the service's detector
with these outputs.

Needs transformers 4.40.2, torch and Pillow (CI does not run this; the outputs are committed):

    /usr/bin/python3 tools/models/make_detector_goldens.py

Without the Rust `tokenizers` package, the BERT tokenizer is transformers' Python one; its
tokenizer.json (what the Java side loads) is written here in the layout of transformers' BertConverter.

Writes services/grounding/src/test/resources/golden/grounding-dino/: grounding-dino.pt,
grounding-dino-tokenizer.json, one PNG per image and cases.json (per image and phrase: the model's input
size, token ids, and every query's score and box in source pixels).
"""
import json
import os
import runpy
import shutil
import sys
import tempfile

import numpy as np
import torch
from PIL import Image
from transformers import (BertTokenizer, GroundingDinoConfig, GroundingDinoForObjectDetection,
                          GroundingDinoImageProcessor, GroundingDinoProcessor, SwinConfig)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "services/grounding/src/test/resources/golden/grounding-dino")
EXPORT = os.path.join(ROOT, "tools/export/export_grounding_dino.py")

# Smaller than the real 800/1333 so the Java test runs quickly, large enough that the backbone's last
# stage stays wider than its 7-cell window for every image below.
SHORT_SIDE, LONG_SIDE = 288, 480
# 4:3 (long side truncated: 393.6 -> 393), 2:3 portrait, 2:1 (the long side limits)
IMAGES = {"landscape.png": (410, 300), "portrait.png": (300, 450), "wide.png": (560, 280)}
# 1, 2 and 8 words: captions of 4, 5 and 11 tokens
PHRASES = ["dog", "red balloon", "big red hot air balloon in blue sky"]
WORDS = ["dog", "cat", "red", "blue", "big", "hot", "air", "balloon", "in", "sky", "object", "person", "car"]


def bert_vocab():
    """Real BERT's layout where GroundingDINO depends on it: [CLS] 101, [SEP] 102, "." 1012, "?" 1029
    (the model finds phrase boundaries by these ids); filler tokens elsewhere."""
    vocab = [f"[unused{i}]" for i in range(1030)]
    for token_id, token in {0: "[PAD]", 100: "[UNK]", 101: "[CLS]", 102: "[SEP]", 103: "[MASK]", 1012: ".",
                            1029: "?"}.items():
        vocab[token_id] = token
    return vocab + WORDS + ["##" + c for c in "abcdefghijklmnopqrstuvwxyz"]


def tokenizer_json(tokenizer):
    """tokenizer.json for a lower-casing BERT WordPiece tokenizer, as transformers' BertConverter writes it."""
    cls, sep = tokenizer.cls_token, tokenizer.sep_token
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": tokenizer.convert_tokens_to_ids(t), "content": t, "single_word": False,
                          "lstrip": False, "rstrip": False, "normalized": False, "special": True}
                         for t in ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]],
        "normalizer": {"type": "BertNormalizer", "clean_text": True, "handle_chinese_chars": True,
                       "strip_accents": None, "lowercase": True},
        "pre_tokenizer": {"type": "BertPreTokenizer"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": cls, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": sep, "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": cls, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": sep, "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}},
                     {"SpecialToken": {"id": sep, "type_id": 1}}],
            "special_tokens": {t: {"id": t, "ids": [tokenizer.convert_tokens_to_ids(t)], "tokens": [t]}
                               for t in (cls, sep)}},
        "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": True},
        "model": {"type": "WordPiece", "unk_token": tokenizer.unk_token, "continuing_subword_prefix": "##",
                  "max_input_chars_per_word": 100, "vocab": dict(tokenizer.vocab)},
    }


class _Backend:
    """What export_grounding_dino.py calls to save the tokenizer (the Rust tokenizer's save)."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def save(self, path):
        with open(path, "w", encoding="utf-8") as f:
            json.dump(tokenizer_json(self.tokenizer), f, indent=1, sort_keys=True)
            f.write("\n")


def make_checkpoint(directory):
    with open(os.path.join(directory, "vocab.txt"), "w") as f:
        f.write("\n".join(bert_vocab()) + "\n")
    tokenizer = BertTokenizer(os.path.join(directory, "vocab.txt"), do_lower_case=True)
    torch.manual_seed(6)
    config = GroundingDinoConfig(
        backbone_config=SwinConfig(window_size=7, embed_dim=8, depths=[1, 1, 1, 1], num_heads=[1, 1, 1, 1],
                                   out_features=["stage2", "stage3", "stage4"], out_indices=[2, 3, 4]),
        use_timm_backbone=False,
        text_config={"model_type": "bert", "vocab_size": len(tokenizer.vocab), "hidden_size": 16,
                     "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 16,
                     "max_position_embeddings": 256},
        d_model=32, encoder_layers=2, decoder_layers=2, encoder_attention_heads=4, decoder_attention_heads=4,
        encoder_ffn_dim=32, decoder_ffn_dim=32, num_queries=100, num_feature_levels=4, encoder_n_points=2,
        decoder_n_points=4, max_text_len=256, disable_custom_kernels=True)
    model = GroundingDinoForObjectDetection(config).eval()
    image_processor = GroundingDinoImageProcessor(size={"shortest_edge": SHORT_SIDE, "longest_edge": LONG_SIDE})
    model.save_pretrained(directory, safe_serialization=False)
    GroundingDinoProcessor(image_processor=image_processor, tokenizer=tokenizer).save_pretrained(directory)


def make_image(width, height, seed):
    """Smooth colour fields with a few shapes: varied enough to move the detector, small as PNG."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    rng = np.random.RandomState(seed)
    image = np.stack([x * 255 / width, y * 255 / height, 128 + 90 * np.sin(x / 17.0 + y / 23.0)], -1)
    for _ in range(3):
        cx, cy, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(20, 80)
        image[(x - cx) ** 2 + (y - cy) ** 2 < r * r] = rng.uniform(0, 255, 3)
    return Image.fromarray(np.clip(image, 0, 255).astype(np.uint8))


def main():
    BertTokenizer.backend_tokenizer = property(_Backend)
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    with tempfile.TemporaryDirectory() as checkpoint:
        make_checkpoint(checkpoint)
        sys.argv = [EXPORT, "--model", checkpoint, "--out", OUT]
        runpy.run_path(EXPORT, run_name="__main__")
        processor = GroundingDinoProcessor.from_pretrained(checkpoint)
        model = GroundingDinoForObjectDetection.from_pretrained(checkpoint, use_safetensors=False).eval()
    cases = []
    for seed, (name, (width, height)) in enumerate(IMAGES.items()):
        image = make_image(width, height, seed)
        image.save(os.path.join(OUT, name))
        for phrase in PHRASES:
            caption = phrase + " ."
            inputs = processor(images=image, text=caption, return_tensors="pt")
            with torch.no_grad():
                outputs = model(**inputs)
            result = processor.post_process_grounded_object_detection(
                outputs, inputs["input_ids"], box_threshold=0.0, text_threshold=0.0,
                target_sizes=[(height, width)])[0]
            cases.append({
                "image": name, "phrase": phrase,
                "input_size": list(inputs["pixel_values"].shape[2:]),
                "input_ids": inputs["input_ids"][0].tolist(),
                "scores": [round(s, 7) for s in result["scores"].tolist()],
                "boxes": [[round(v, 4) for v in box] for box in result["boxes"].tolist()],
            })
            print(f"{name} {width}x{height} '{caption}': input {cases[-1]['input_size']}, "
                  f"{len(cases[-1]['input_ids'])} tokens, best score {max(cases[-1]['scores']):.4f}")
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"short_side": SHORT_SIDE, "long_side": LONG_SIDE, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
