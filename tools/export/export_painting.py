#!/usr/bin/env python3
"""Exports the painting models to the TorchScript files the inpainting service loads
(see tools/export/PAINTING.md for the step-by-step guide).

    python tools/export/export_painting.py --kind sd-inpainting \
        --model stable-diffusion-v1-5/stable-diffusion-inpainting --out models/sd-inpainting
    python tools/export/export_painting.py --kind brushnet --model stable-diffusion-v1-5/stable-diffusion-v1-5 \
        --brushnet /path/to/brushnet_segmentation_mask --out models/brushnet      # needs BrushNet's diffusers fork
    python tools/export/export_painting.py --kind instruct-pix2pix --model paint-by-inpaint/add-base \
        --out models/paint-by-inpaint-add

Files written (the signatures the service's Java code calls; float32, or float16 with --dtype fp16):
  tokenizer.json                       CLIP tokenizer (fast tokenizer's JSON)
  text_encoder.pt  (input_ids int64 [B,77]) -> last_hidden_state [B,77,768]
  vae_encoder.pt   (image [B,3,H,W] in [-1,1]) -> latent distribution mean [B,4,H/8,W/8], unscaled
  vae_decoder.pt   (latent [B,4,h,w], unscaled) -> image [B,3,H,W]
  unet.pt          (sample [B,C,h,w], timestep float [B], text [B,77,768], *brushnet_residuals) -> noise [B,4,h,w]
                   C = 9 for SD inpainting, 8 for InstructPix2Pix, 4 for BrushNet's base UNet
  brushnet.pt      (sample [B,4,h,w], timestep float [B], text [B,77,768], condition [B,5,h,w])
                   -> residuals: BrushNet's down-block, mid-block and up-block samples, flattened in that order

Tracing records the shapes it sees in some places. The script traces at the square working size of
--long-side (the service's brushline.inpainting.*.long-side) and then checks the traced modules against
the eager ones at every working size the service can produce for that long side (the long side by
each multiple of 64 up to it, both orientations) and at other batch sizes, and refuses to write files
that disagree.
"""
import argparse
import os
import sys

import torch
from torch import nn

# callers that load this file by path (runpy.run_path, importlib) do not put its folder on sys.path
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checksums import print_sha256  # noqa: E402

TEXT_LENGTH = 77
MULTIPLE = 64


class TextEncoder(nn.Module):
    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder

    def forward(self, input_ids):
        return self.encoder(input_ids, return_dict=False)[0]


class VaeEncoder(nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, image):
        return self.vae.encode(image).latent_dist.mean


class VaeDecoder(nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.vae = vae

    def forward(self, latent):
        return self.vae.decode(latent, return_dict=False)[0]


class UNet(nn.Module):
    """The UNet with positional inputs; with BrushNet's residual counts it takes them after the text."""

    def __init__(self, unet, residual_counts=None):
        super().__init__()
        self.unet = unet
        self.residual_counts = residual_counts

    def forward(self, sample, timestep, text, *residuals):
        if not self.residual_counts:
            return self.unet(sample, timestep, encoder_hidden_states=text, return_dict=False)[0]
        down, mid, _ = self.residual_counts
        return self.unet(sample, timestep, encoder_hidden_states=text,
                         down_block_add_samples=list(residuals[:down]),
                         mid_block_add_sample=residuals[down],
                         up_block_add_samples=list(residuals[down + mid:]),
                         return_dict=False)[0]


class BrushNet(nn.Module):
    def __init__(self, brushnet):
        super().__init__()
        self.brushnet = brushnet

    def forward(self, sample, timestep, text, condition):
        down, mid, up = self.brushnet(sample, encoder_hidden_states=text, brushnet_cond=condition,
                                      timestep=timestep, return_dict=False)
        return tuple(down) + (mid,) + tuple(up)


def traced(module, example, checks, name, tolerance):
    module = module.eval()
    with torch.no_grad():
        result = torch.jit.trace(module, example, check_trace=False, strict=False)
        for check in checks:
            expected = module(*check)
            actual = result(*check)
            expected = expected if isinstance(expected, tuple) else (expected,)
            actual = actual if isinstance(actual, tuple) else (actual,)
            for e, a in zip(expected, actual):
                if e.shape != a.shape:
                    raise SystemExit(f"{name}: the traced module gives shape {tuple(a.shape)} where the model gives "
                                     f"{tuple(e.shape)} at input shapes {[tuple(c.shape) for c in check]}")
                difference = (e.float() - a.float()).abs().max().item()
                if difference > tolerance * max(1.0, e.float().abs().max().item()):
                    raise SystemExit(f"{name}: traced module disagrees with eager at input shapes "
                                     f"{[tuple(c.shape) for c in check]} (max difference {difference})")
    return result


def save(module, out, name):
    path = os.path.join(out, name + ".pt")
    module.save(path)
    print_sha256((path,))


def service_sizes(long_side):
    """Every working size the service paints at for this long side: the long side, and the short side
    a multiple of 64 (see WorkingSize.java), in both orientations; (height, width)."""
    if long_side % MULTIPLE:
        raise SystemExit(f"--long-side {long_side}: the service paints at multiples of {MULTIPLE} pixels")
    sizes = []
    for short in range(MULTIPLE, long_side + 1, MULTIPLE):
        sizes += [(short, long_side), (long_side, short)]
    return list(dict.fromkeys(sizes))


def export(kind, model, out, long_side=512, brushnet=None, dtype="fp32", device="cpu", sizes=None):
    """Writes the service's files for the pipeline at `model` into `out`; traces at the square working
    size and checks the traced modules against the eager ones at every size in `sizes` (by default all
    that the service can produce at `long_side`) and at other batch sizes."""
    from transformers import CLIPTextModel, CLIPTokenizerFast
    from diffusers import AutoencoderKL, UNet2DConditionModel

    os.makedirs(out, exist_ok=True)
    float_type = {"fp32": torch.float32, "fp16": torch.float16}[dtype]
    tolerance = 1e-3 if dtype == "fp32" else 3e-2
    if dtype == "fp16" and device == "cpu":
        raise SystemExit("--dtype fp16 traces on a GPU (--device cuda): the CPU kernels lack half precision")

    def place(module):
        return module.to(device=device, dtype=float_type).eval()

    def randn(*shape):
        return torch.randn(*shape).to(device=device, dtype=float_type)

    def latent_inputs(batch, channels, height, width):
        return (randn(batch, channels, height // 8, width // 8),
                torch.full((batch,), 500.0).to(device=device, dtype=float_type), randn(batch, TEXT_LENGTH, text_dim))

    CLIPTokenizerFast.from_pretrained(model, subfolder="tokenizer").backend_tokenizer.save(
        os.path.join(out, "tokenizer.json"))
    text_encoder = CLIPTextModel.from_pretrained(model, subfolder="text_encoder")
    vae = AutoencoderKL.from_pretrained(model, subfolder="vae")
    unet = UNet2DConditionModel.from_pretrained(model, subfolder="unet")
    text_dim = text_encoder.config.hidden_size
    vocabulary = text_encoder.config.vocab_size

    sizes = sizes or service_sizes(long_side)
    height = width = long_side
    # Example ids anywhere in the vocabulary, as real prompts use it (ids beyond it would not embed).
    ids = torch.randint(0, vocabulary, (1, TEXT_LENGTH), device=device)
    save(traced(place(TextEncoder(text_encoder)), ids,
                [(torch.randint(0, vocabulary, (3, TEXT_LENGTH), device=device),)], "text_encoder", tolerance),
         out, "text_encoder")
    vae = place(vae)
    save(traced(VaeEncoder(vae), randn(1, 3, height, width), [(randn(2, 3, h, w),) for h, w in sizes],
                "vae_encoder", tolerance), out, "vae_encoder")
    save(traced(VaeDecoder(vae), randn(1, 4, height // 8, width // 8),
                [(randn(2, 4, h // 8, w // 8),) for h, w in sizes], "vae_decoder", tolerance), out, "vae_decoder")

    unet = place(unet)
    channels = unet.config.in_channels
    if kind == "brushnet":
        from diffusers import BrushNetModel  # BrushNet's diffusers fork
        branch = BrushNet(place(BrushNetModel.from_pretrained(brushnet)))

        def brushnet_inputs(batch, h, w):
            return latent_inputs(batch, 4, h, w) + (randn(batch, 5, h // 8, w // 8),)

        example = brushnet_inputs(2, height, width)
        checks = [brushnet_inputs(4, h, w) for h, w in sizes]
        save(traced(branch, example, checks, "brushnet", tolerance), out, "brushnet")

        def unet_inputs(inputs):
            with torch.no_grad():
                return inputs[:3] + branch(*inputs)

        with torch.no_grad():
            down, mid, up = branch.brushnet(example[0], encoder_hidden_states=example[2], brushnet_cond=example[3],
                                            timestep=example[1], return_dict=False)
        counts = (len(down), 1, len(up))
        save(traced(UNet(unet, counts), unet_inputs(example), [unet_inputs(c) for c in checks], "unet", tolerance),
             out, "unet")
    else:
        expected = 9 if kind == "sd-inpainting" else 8
        if channels != expected:
            raise SystemExit(f"{model}: its UNet takes {channels} channels, {kind} needs {expected}")
        save(traced(UNet(unet), latent_inputs(2, channels, height, width),
                    [latent_inputs(4, channels, h, w) for h, w in sizes], "unet", tolerance), out, "unet")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kind", required=True, choices=["sd-inpainting", "brushnet", "instruct-pix2pix"])
    parser.add_argument("--model", required=True, help="Hugging Face id or local directory of the pipeline")
    parser.add_argument("--brushnet", help="BrushNet checkpoint directory (--kind brushnet)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--long-side", type=int, default=512,
                        help="the service's brushline.inpainting.*.long-side (a multiple of 64)")
    parser.add_argument("--dtype", choices=["fp32", "fp16"], default="fp32",
                        help="fp16 for brushline.inpainting.dtype=fp16 (or auto on a GPU); traced on --device cuda")
    parser.add_argument("--device", default="cpu", help="where to trace: cpu, or cuda for --dtype fp16")
    args = parser.parse_args()
    export(args.kind, args.model, args.out, args.long_side, args.brushnet, args.dtype, args.device)


if __name__ == "__main__":
    main()
