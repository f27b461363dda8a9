#!/usr/bin/python3
"""Golden data for the neural detectors: tiny random-weight GroundingDINO and OWLv2 models built from
transformers' own classes (the real architectures at toy widths), exported by the project's
tools/export/export_grounding_dino.py and export_owlv2.py, plus input images and what transformers'
processors, models and post-processing make of them. The Java tests compare the service's detectors
with these outputs.

Needs transformers 4.40.2, torch and Pillow (CI does not run this; the outputs are committed):

    /usr/bin/python3 tools/models/make_detector_goldens.py

Without the Rust `tokenizers` package, the tokenizers are transformers' Python ones; their
tokenizer.json (what the Java side loads) is written here in the layout of transformers' BertConverter
and CLIPConverter.

Writes services/grounding/src/test/resources/golden/grounding-dino/: grounding-dino.pt,
grounding-dino-tokenizer.json, one PNG per image and cases.json (per image and phrase: the model's input
size, token ids, and every query's score and box in source pixels); and golden/owlv2/ the same for
OWLv2 (every patch's score and box in source pixels, before clipping to the image).
"""
import argparse
import json
import os
import runpy
import shutil
import sys
import tempfile

import numpy as np
import torch
from PIL import Image
from transformers import (BertTokenizer, CLIPTokenizer, GroundingDinoConfig, GroundingDinoForObjectDetection,
                          GroundingDinoImageProcessor, GroundingDinoProcessor, Owlv2Config,
                          Owlv2ForObjectDetection, Owlv2ImageProcessor, Owlv2Processor, SwinConfig)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "services/grounding/src/test/resources/golden/grounding-dino")
EXPORT = os.path.join(ROOT, "tools/export/export_grounding_dino.py")
OWL_OUT = os.path.join(ROOT, "services/grounding/src/test/resources/golden/owlv2")
OWL_EXPORT = os.path.join(ROOT, "tools/export/export_owlv2.py")
OWL_SIDE = 64
# downscaled (smoothed first: factors 2.5 and 3.1), and upscaled
OWL_IMAGES = {"landscape.png": (160, 96), "portrait.png": (150, 200), "small.png": (48, 32)}
OWL_PHRASES = ["red balloon", "dog"]

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


def byte_symbols():
    """CLIP's (GPT-2's) byte-level alphabet: printable bytes stand for themselves, the others are moved to
    code points from 256 on, in byte order."""
    printable = [b for b in range(256) if ord("!") <= b <= ord("~") or ord("\u00a1") <= b <= ord("\u00ac")
                 or ord("\u00ae") <= b <= ord("\u00ff")]
    symbols = {b: chr(b) for b in printable}
    shifted = 0
    for b in range(256):
        if b not in symbols:
            symbols[b] = chr(256 + shifted)
            shifted += 1
    return [symbols[b] for b in printable] + [symbols[b] for b in range(256) if b not in printable]


def clip_vocab(directory):
    """vocab.json and merges.txt of a small CLIP BPE: the byte alphabet (so "!" is id 0, OWL-ViT's pad),
    the same with </w>, merges that build WORDS, then <|startoftext|> and <|endoftext|> last."""
    alphabet = byte_symbols()
    vocab = alphabet + [s + "</w>" for s in alphabet]
    merges = []
    for word in WORDS:
        parts = list(word[:-1]) + [word[-1] + "</w>"]
        while len(parts) > 1:
            pair = (parts[0], parts[1])
            if pair not in merges:
                merges.append(pair)
                vocab.append(pair[0] + pair[1])
            parts = [parts[0] + parts[1]] + parts[2:]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    with open(os.path.join(directory, "vocab.json"), "w") as f:
        json.dump({t: i for i, t in enumerate(dict.fromkeys(vocab))}, f)
    with open(os.path.join(directory, "merges.txt"), "w") as f:
        f.write("#version: 0.2\n" + "\n".join(f"{a} {b}" for a, b in merges) + "\n")


def clip_tokenizer_json(tokenizer):
    """tokenizer.json for a CLIP BPE tokenizer, as transformers' CLIPConverter writes it."""
    return {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [{"id": token_id, "content": str(token), "single_word": token.single_word,
                          "lstrip": token.lstrip, "rstrip": token.rstrip, "normalized": token.normalized,
                          "special": token.special}
                         for token_id, token in sorted(tokenizer.added_tokens_decoder.items())],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "NFC"}, {"type": "Replace", "pattern": {"Regex": r"\s+"}, "content": " "},
            {"type": "Lowercase"}]},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split",
             "pattern": {"Regex": r"""'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+"""},
             "behavior": "Removed", "invert": True},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True}]},
        "post_processor": {"type": "RobertaProcessing", "sep": [tokenizer.eos_token, tokenizer.eos_token_id],
                           "cls": [tokenizer.bos_token, tokenizer.bos_token_id], "trim_offsets": False,
                           "add_prefix_space": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": str(tokenizer.unk_token),
                  "continuing_subword_prefix": "", "end_of_word_suffix": "</w>", "fuse_unk": False,
                  "byte_fallback": False, "vocab": tokenizer.encoder,
                  "merges": [" ".join(pair) for pair in tokenizer.bpe_ranks]},
    }


class _Backend:
    """What the export scripts call to save a tokenizer (the Rust tokenizer's save)."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def save(self, path):
        writer = clip_tokenizer_json if isinstance(self.tokenizer, CLIPTokenizer) else tokenizer_json
        with open(path, "w", encoding="utf-8") as f:
            json.dump(writer(self.tokenizer), f, indent=1, sort_keys=True, ensure_ascii=False)
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


def make_owlv2_checkpoint(directory):
    clip_vocab(directory)
    tokenizer = CLIPTokenizer(os.path.join(directory, "vocab.json"), os.path.join(directory, "merges.txt"),
                              pad_token="!", model_max_length=16)
    torch.manual_seed(5)
    config = Owlv2Config(
        text_config=dict(vocab_size=len(tokenizer.encoder), hidden_size=32, intermediate_size=37,
                         num_hidden_layers=2, num_attention_heads=4, max_position_embeddings=16,
                         bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id, pad_token_id=0),
        vision_config=dict(hidden_size=32, intermediate_size=37, num_hidden_layers=2, num_attention_heads=4,
                           image_size=OWL_SIDE, patch_size=16),
        projection_dim=32)
    Owlv2ForObjectDetection(config).eval().save_pretrained(directory, safe_serialization=False)
    image_processor = Owlv2ImageProcessor(size={"height": OWL_SIDE, "width": OWL_SIDE})
    Owlv2Processor(image_processor=image_processor, tokenizer=tokenizer).save_pretrained(directory)


def exported(make_checkpoint_into, export_script, out, processor_class, model_class):
    """Makes a checkpoint, runs the project's export script on it into `out` (emptied first), and returns
    the reference processor and eager model loaded from the same checkpoint."""
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    with tempfile.TemporaryDirectory() as checkpoint:
        make_checkpoint_into(checkpoint)
        sys.argv = [export_script, "--model", checkpoint, "--out", out]
        runpy.run_path(export_script, run_name="__main__")
        return (processor_class.from_pretrained(checkpoint),
                model_class.from_pretrained(checkpoint, use_safetensors=False).eval())


def make_owlv2_goldens():
    processor, model = exported(make_owlv2_checkpoint, OWL_EXPORT, OWL_OUT, Owlv2Processor, Owlv2ForObjectDetection)
    cases = []
    for seed, (name, (width, height)) in enumerate(OWL_IMAGES.items()):
        image = make_image(width, height, 10 + seed)
        image.save(os.path.join(OWL_OUT, name))
        for phrase in OWL_PHRASES:
            inputs = processor(text=[[phrase]], images=image, return_tensors="pt")
            with torch.no_grad():
                outputs = model(**inputs)
            side = max(width, height)
            result = processor.post_process_object_detection(outputs, threshold=0.0,
                                                             target_sizes=torch.tensor([[side, side]]))[0]
            cases.append({
                "image": name, "phrase": phrase,
                "input_ids": inputs["input_ids"][0].tolist(),
                "attention_mask": inputs["attention_mask"][0].tolist(),
                "scores": [round(s, 7) for s in result["scores"].tolist()],
                "boxes": [[round(v, 4) for v in box] for box in result["boxes"].tolist()],
            })
            print(f"OWLv2 {name} {width}x{height} '{phrase}': best score {max(cases[-1]['scores']):.4f}")
    with open(os.path.join(OWL_OUT, "cases.json"), "w") as f:
        json.dump({"input_side": OWL_SIDE, "cases": cases}, f, indent=1)
        f.write("\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=["grounding-dino", "owlv2"], help="regenerate one model's data")
    only = parser.parse_args().only
    BertTokenizer.backend_tokenizer = property(_Backend)
    CLIPTokenizer.backend_tokenizer = property(_Backend)
    if only != "grounding-dino":
        make_owlv2_goldens()
    if only != "owlv2":
        make_grounding_dino_goldens()


def make_grounding_dino_goldens():
    processor, model = exported(make_checkpoint, EXPORT, OUT, GroundingDinoProcessor, GroundingDinoForObjectDetection)
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
