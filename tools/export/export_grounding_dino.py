#!/usr/bin/env python3
"""Exports GroundingDINO to the TorchScript file and tokenizer the grounding service loads
(brushline.grounding.detector=grounding-dino).

    pip install torch transformers==4.40.2
    python tools/export/export_grounding_dino.py --out models/     # downloads the checkpoint once

Writes models/grounding-dino.pt and models/grounding-dino-tokenizer.json, and prints their sha256.

Signature of grounding-dino.pt (what io.brushline.grounding.GroundingDinoDetector feeds and reads):
    forward(pixel_values [1,3,H,W] float32, input_ids [1,T] int64, attention_mask [1,T] int64,
            token_type_ids [1,T] int64) -> (logits [1,900,256], pred_boxes [1,900,4])
pixel_values: short side 800, long side at most 1333, ImageNet mean/std; input_ids: BERT tokens of
"<phrase> ."; logits per query and text position (padded to 256); pred_boxes: (cx, cy, w, h) of the
image in 0..1.

One file serves every image size and caption. A trace records Python control flow and values computed
from shapes as constants; in transformers' GroundingDINO (4.40.2) and its Swin backbone a handful of
places do that (padding decided by `if`, feature-map sizes turned into a constant tensor, `.item()`
splits, `linspace` over a size, a per-token Python loop over the caption's special tokens). While
tracing, `size_independent_tracing()` swaps each for an equivalent written with tensor operations only,
so the trace follows the input's shape (and keeps the text position embedding in float32, which
the saved trace would otherwise compute in float64 and fail on). The custom deformable-attention kernel cannot be traced: the
model is loaded with disable_custom_kernels (its PyTorch path computes the same thing). After tracing,
the file is run at several image sizes and captions and compared with the untouched eager model; the
export fails if any output differs by more than --tolerance.
"""
import argparse
import contextlib
import os
import sys

import torch
from torch import nn
from torch.nn import functional
from transformers import AutoProcessor, GroundingDinoForObjectDetection
from transformers.models.grounding_dino import modeling_grounding_dino as gdino
from transformers.models.swin import modeling_swin as swin

# callers that load this file by path (runpy.run_path, importlib) do not put its folder on sys.path
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checksums import print_sha256  # noqa: E402

# (height, width) of the pixel inputs the trace is checked at: both orientations, sizes that do and do
# not divide by the backbone's patch (4), window (7) and merging (2) steps
CHECK_SIZES = [(800, 1066), (800, 1199), (1333, 750), (640, 640), (603, 1333)]
CHECK_CAPTIONS = ["dog .", "a dog .", "the big red hot air balloon ."]


class GroundingDinoExport(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, pixel_values, input_ids, attention_mask, token_type_ids):
        pixel_mask = torch.ones_like(pixel_values[:, 0], dtype=torch.int64)
        out = self.model(pixel_values=pixel_values, pixel_mask=pixel_mask, input_ids=input_ids,
                         attention_mask=attention_mask, token_type_ids=token_type_ids)
        return out.logits, out.pred_boxes


# --- shape-following replacements (same arithmetic as the code they replace, no Python branches on sizes)

def _patch_embeddings_pad(self, pixel_values, height, width):
    # pads by 0 where the size already divides, instead of deciding by `if`
    pad_width = (self.patch_size[1] - width % self.patch_size[1]) % self.patch_size[1]
    pad_height = (self.patch_size[0] - height % self.patch_size[0]) % self.patch_size[0]
    return functional.pad(pixel_values, (0, pad_width, 0, pad_height))


def _patch_merging_pad(self, input_feature, height, width):
    return functional.pad(input_feature, (0, 0, 0, width % 2, 0, height % 2))


def _window_pad(self, hidden_states, height, width):
    pad_right = (self.window_size - width % self.window_size) % self.window_size
    pad_bottom = (self.window_size - height % self.window_size) % self.window_size
    hidden_states = functional.pad(hidden_states, (0, 0, 0, pad_right, 0, pad_bottom))
    # SwinLayer crops the padding back only when it sees a positive pad: report one always, so the trace
    # keeps the crop (a no-op when nothing was padded)
    return hidden_states, (0, 0, 0, 1, 0, 1)


def _as_tensor(original):
    def as_tensor(data, dtype=None, device=None):
        # feature-map sizes arrive as a list of (height, width) pairs of traced sizes: stack them
        if isinstance(data, list) and data and isinstance(data[0], tuple) and isinstance(data[0][0], torch.Tensor):
            return torch.stack([torch.stack(list(pair)) for pair in data]).to(dtype=dtype, device=device)
        return original(data, dtype=dtype, device=device)
    return as_tensor


def _deformable_attention(value, spatial_shapes, sampling_locations, attention_weights):
    batch, _, heads, channels = value.shape
    _, queries, _, levels, points, _ = sampling_locations.shape
    grids = 2 * sampling_locations - 1
    sampled = []
    start = 0
    for level in range(levels):
        height, width = spatial_shapes[level, 0], spatial_shapes[level, 1]
        level_value = value[:, start:start + height * width]
        start = start + height * width
        level_value = level_value.flatten(2).transpose(1, 2).reshape(batch * heads, channels, height, width)
        level_grid = grids[:, :, :, level].transpose(1, 2).flatten(0, 1)
        sampled.append(functional.grid_sample(level_value, level_grid, mode="bilinear", padding_mode="zeros",
                                              align_corners=False))
    weights = attention_weights.transpose(1, 2).reshape(batch * heads, 1, queries, levels * points)
    output = (torch.stack(sampled, dim=-2).flatten(-2) * weights).sum(-1).view(batch, heads * channels, queries)
    return output.transpose(1, 2).contiguous()


def _cell_centres(size):
    return torch.arange(size, dtype=torch.float32) + 0.5


def _reference_points(spatial_shapes, valid_ratios, device):
    per_level = []
    for level in range(spatial_shapes.shape[0]):
        height, width = spatial_shapes[level, 0], spatial_shapes[level, 1]
        ys = _cell_centres(height).to(device)[:, None].expand(-1, width)
        xs = _cell_centres(width).to(device)[None, :].expand(height, -1)
        ref_y = ys.reshape(-1)[None] / (valid_ratios[:, None, level, 1] * height)
        ref_x = xs.reshape(-1)[None] / (valid_ratios[:, None, level, 0] * width)
        per_level.append(torch.stack((ref_x, ref_y), -1))
    points = torch.cat(per_level, 1)
    return points[:, :, None] * valid_ratios[:, None]


def _encoder_output_proposals(self, enc_output, padding_mask, spatial_shapes):
    batch = enc_output.shape[0]
    proposals = []
    start = 0
    for level in range(spatial_shapes.shape[0]):
        height, width = spatial_shapes[level, 0], spatial_shapes[level, 1]
        level_mask = padding_mask[:, start:start + height * width].view(batch, height, width, 1)
        valid_height = torch.sum(~level_mask[:, :, 0, 0], 1)
        valid_width = torch.sum(~level_mask[:, 0, :, 0], 1)
        grid_y = torch.arange(height, dtype=torch.float32).to(enc_output.device)[:, None].expand(-1, width)
        grid_x = torch.arange(width, dtype=torch.float32).to(enc_output.device)[None, :].expand(height, -1)
        grid = torch.cat([grid_x.unsqueeze(-1), grid_y.unsqueeze(-1)], -1)
        scale = torch.cat([valid_width.unsqueeze(-1), valid_height.unsqueeze(-1)], 1).view(batch, 1, 1, 2)
        grid = (grid.unsqueeze(0).expand(batch, -1, -1, -1) + 0.5) / scale
        size = torch.ones_like(grid) * 0.05 * (2.0 ** level)
        proposals.append(torch.cat((grid, size), -1).view(batch, -1, 4))
        start = start + height * width
    proposals = torch.cat(proposals, 1)
    valid = ((proposals > 0.01) & (proposals < 0.99)).all(-1, keepdim=True)
    proposals = torch.log(proposals / (1 - proposals))
    proposals = proposals.masked_fill(padding_mask.unsqueeze(-1), float("inf"))
    proposals = proposals.masked_fill(~valid, float("inf"))
    query = enc_output.masked_fill(padding_mask.unsqueeze(-1), float(0))
    query = query.masked_fill(~valid, float(0))
    return self.enc_output_norm(self.enc_output(query)), proposals


def _text_masks_and_positions(input_ids):
    """Each run of ordinary tokens closed by a special token in the middle of the caption ([SEP], "." or
    "?") attends only within itself and counts its positions from 0; every other token attends to
    itself and has position 0. For one caption (batch 1), vectorised."""
    tokens = input_ids.shape[1]
    special = torch.zeros_like(input_ids, dtype=torch.bool)
    for token in gdino.SPECIAL_TOKENS:
        special = special | (input_ids == token)
    index = torch.arange(tokens, device=input_ids.device).expand_as(input_ids)
    # next special token at or after each position (tokens when none), previous one strictly before (-1)
    next_special = torch.flip(torch.cummin(torch.flip(torch.where(special, index, tokens), [1]), 1)[0], [1])
    at_or_before = torch.cummax(torch.where(special, index, -1), 1)[0]
    previous_special = torch.cat([torch.full_like(at_or_before[:, :1], -1), at_or_before[:, :-1]], 1)
    in_run = (next_special > 0) & (next_special < tokens - 1) & (index >= 1)
    same_run = next_special[:, :, None] == next_special[:, None, :]
    attention = torch.eye(tokens, dtype=torch.bool, device=input_ids.device)[None] | (
        in_run[:, :, None] & in_run[:, None, :] & same_run)
    start = previous_special.clamp(min=0) + 1
    positions = torch.where(in_run, index - start, torch.zeros_like(index))
    return attention, positions.to(torch.long)


def _float_positions(original):
    def sine_position_embedding(pos_tensor, *args, **kwargs):
        # integer token positions times the float 2*pi: the trace stores 2*pi as a double tensor, which turns
        # the product into float64 once the file is loaded; in float32 from the start, as eager computes it
        return original(pos_tensor.float(), *args, **kwargs)
    return sine_position_embedding


@contextlib.contextmanager
def size_independent_tracing():
    swaps = [
        (swin.SwinPatchEmbeddings, "maybe_pad", _patch_embeddings_pad),
        (swin.SwinPatchMerging, "maybe_pad", _patch_merging_pad),
        (swin.SwinLayer, "maybe_pad", _window_pad),
        (gdino, "multi_scale_deformable_attention", _deformable_attention),
        (gdino.GroundingDinoEncoder, "get_reference_points", staticmethod(_reference_points)),
        (gdino.GroundingDinoModel, "generate_encoder_output_proposals", _encoder_output_proposals),
        (gdino, "generate_masks_with_special_tokens_and_transfer_map", _text_masks_and_positions),
        (gdino, "get_sine_pos_embed", _float_positions(gdino.get_sine_pos_embed)),
        (torch, "as_tensor", _as_tensor(torch.as_tensor)),
    ]
    saved = [(owner, name, owner.__dict__[name]) for owner, name, _ in swaps]
    try:
        for owner, name, replacement in swaps:
            setattr(owner, name, replacement)
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)


def trace(model, processor):
    text = processor.tokenizer(["a dog ."], return_tensors="pt")
    example = (torch.zeros(1, 3, 800, 1199), text["input_ids"], text["attention_mask"], text["token_type_ids"])
    with torch.no_grad(), size_independent_tracing():
        return torch.jit.trace(GroundingDinoExport(model), example, strict=False, check_trace=False)


def check(traced, model, processor, tolerance):
    """The traced module against the eager model at other sizes and captions; returns the worst difference."""
    generator = torch.Generator().manual_seed(0)
    worst = 0.0
    for height, width in CHECK_SIZES:
        for caption in CHECK_CAPTIONS:
            text = processor.tokenizer([caption], return_tensors="pt")
            pixels = torch.randn(1, 3, height, width, generator=generator)
            args = (pixels, text["input_ids"], text["attention_mask"], text["token_type_ids"])
            with torch.no_grad():
                expected = GroundingDinoExport(model)(*args)
                actual = traced(*args)
            length = text["input_ids"].shape[1]
            difference = max((actual[0][..., :length] - expected[0][..., :length]).abs().max().item(),
                             (actual[1] - expected[1]).abs().max().item())
            print(f"checked {width}x{height} '{caption}': max difference {difference:.2e}")
            if not difference <= tolerance:
                raise SystemExit(f"the traced model differs from the eager one at {width}x{height} '{caption}'")
            worst = max(worst, difference)
    return worst


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="IDEA-Research/grounding-dino-tiny")
    parser.add_argument("--out", default="models")
    parser.add_argument("--tolerance", type=float, default=1e-3,
                        help="largest difference allowed between traced and eager outputs")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    processor = AutoProcessor.from_pretrained(args.model)
    model = GroundingDinoForObjectDetection.from_pretrained(args.model, disable_custom_kernels=True).eval()
    model_file = os.path.join(args.out, "grounding-dino.pt")
    trace(model, processor).save(model_file)
    # the file as the service loads it (constants are typed differently once saved)
    check(torch.jit.load(model_file), model, processor, args.tolerance)
    tokenizer_file = os.path.join(args.out, "grounding-dino-tokenizer.json")
    processor.tokenizer.backend_tokenizer.save(tokenizer_file)
    print_sha256((model_file, tokenizer_file))


if __name__ == "__main__":
    main()
