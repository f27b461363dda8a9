#!/usr/bin/env python3
"""Exports the painting models to the TorchScript files the inpainting service loads
(see tools/export/PAINTING.md for the step-by-step guide).

    python tools/export/export_painting.py --kind sd-inpainting \
        --model stable-diffusion-v1-5/stable-diffusion-inpainting --out models/sd-inpainting
    python tools/export/export_painting.py --kind brushnet --model stable-diffusion-v1-5/stable-diffusion-v1-5 \
        --brushnet /path/to/brushnet_segmentation_mask --out models/brushnet      # needs BrushNet's diffusers fork
    python tools/export/export_painting.py --kind instruct-pix2pix --model paint-by-inpaint/add-base \
        --out models/paint-by-inpaint-add

Files written (the signatures the service's Java code calls, float32):
  tokenizer.json                       CLIP tokenizer (fast tokenizer's JSON)
  text_encoder.pt  (input_ids int64 [B,77]) -> last_hidden_state [B,77,768]
  vae_encoder.pt   (image [B,3,H,W] in [-1,1]) -> latent distribution mean [B,4,H/8,W/8], unscaled
  vae_decoder.pt   (latent [B,4,h,w], unscaled) -> image [B,3,H,W]
  unet.pt          (sample [B,C,h,w], timestep float [B], text [B,77,768], *brushnet_residuals) -> noise [B,4,h,w]
                   C = 9 for SD inpainting, 8 for InstructPix2Pix, 4 for BrushNet's base UNet
  brushnet.pt      (sample [B,4,h,w], timestep float [B], text [B,77,768], condition [B,5,h,w])
                   -> residuals: BrushNet's down-block, mid-block and up-block samples, flattened in that order

Tracing records the shapes it sees in some places. Trace at the working size the service will use
(--height/--width, the service's brushline.inpainting.*.long-side and the photos' aspect ratio); the
script then checks the traced modules against the eager ones at a second batch size and the other
--check-sizes, and refuses to write files that disagree.
"""
import argparse
import hashlib
import os

import torch
from torch import nn

TEXT_LENGTH = 77


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


def traced(module, example, checks, name):
    module = module.eval()
    with torch.no_grad():
        result = torch.jit.trace(module, example, check_trace=False, strict=False)
        for check in checks:
            expected = module(*check)
            actual = result(*check)
            expected = expected if isinstance(expected, tuple) else (expected,)
            actual = actual if isinstance(actual, tuple) else (actual,)
            for e, a in zip(expected, actual):
                difference = (e - a).abs().max().item()
                if e.shape != a.shape or difference > 1e-3:
                    raise SystemExit(f"{name}: traced module disagrees with eager at input shapes "
                                     f"{[tuple(c.shape) for c in check]} (max difference {difference}); "
                                     "trace at the size the service uses")
    return result


def save(module, out, name):
    path = os.path.join(out, name + ".pt")
    module.save(path)
    with open(path, "rb") as f:
        print(f"{hashlib.sha256(f.read()).hexdigest()}  {path}")


def latent_inputs(batch, channels, height, width, text_dim):
    return (torch.randn(batch, channels, height // 8, width // 8), torch.full((batch,), 500.0),
            torch.randn(batch, TEXT_LENGTH, text_dim))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kind", required=True, choices=["sd-inpainting", "brushnet", "instruct-pix2pix"])
    parser.add_argument("--model", required=True, help="Hugging Face id or local directory of the pipeline")
    parser.add_argument("--brushnet", help="BrushNet checkpoint directory (--kind brushnet)")
    parser.add_argument("--out", required=True)
    parser.add_argument("--height", type=int, default=512)
    parser.add_argument("--width", type=int, default=512)
    parser.add_argument("--check-sizes", default="", help="more HxW sizes to check, e.g. 512x384,384x512")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    from transformers import CLIPTextModel, CLIPTokenizerFast
    from diffusers import AutoencoderKL, UNet2DConditionModel

    CLIPTokenizerFast.from_pretrained(args.model, subfolder="tokenizer").backend_tokenizer.save(
        os.path.join(args.out, "tokenizer.json"))
    text_encoder = CLIPTextModel.from_pretrained(args.model, subfolder="text_encoder")
    vae = AutoencoderKL.from_pretrained(args.model, subfolder="vae")
    unet = UNet2DConditionModel.from_pretrained(args.model, subfolder="unet")
    text_dim = text_encoder.config.hidden_size

    sizes = [(args.height, args.width)] + [tuple(int(v) for v in s.split("x")) for s in args.check_sizes.split(",") if s]
    ids = torch.randint(0, 1000, (1, TEXT_LENGTH))
    save(traced(TextEncoder(text_encoder), ids, [(torch.randint(0, 1000, (3, TEXT_LENGTH)),)], "text_encoder"),
         args.out, "text_encoder")
    image = torch.rand(1, 3, args.height, args.width) * 2 - 1
    save(traced(VaeEncoder(vae), image, [(torch.rand(2, 3, h, w) * 2 - 1,) for h, w in sizes], "vae_encoder"),
         args.out, "vae_encoder")
    latent = torch.randn(1, 4, args.height // 8, args.width // 8)
    save(traced(VaeDecoder(vae), latent, [(torch.randn(2, 4, h // 8, w // 8),) for h, w in sizes], "vae_decoder"),
         args.out, "vae_decoder")

    channels = unet.config.in_channels
    if args.kind == "brushnet":
        from diffusers import BrushNetModel  # BrushNet's diffusers fork
        brushnet = BrushNet(BrushNetModel.from_pretrained(args.brushnet))
        example = latent_inputs(2, 4, args.height, args.width, text_dim) + (
            torch.randn(2, 5, args.height // 8, args.width // 8),)
        checks = [latent_inputs(4, 4, h, w, text_dim) + (torch.randn(4, 5, h // 8, w // 8),) for h, w in sizes]
        save(traced(brushnet, example, checks, "brushnet"), args.out, "brushnet")
        with torch.no_grad():
            down, mid, up = brushnet.brushnet(example[0], encoder_hidden_states=example[2], brushnet_cond=example[3],
                                              timestep=example[1], return_dict=False)
        counts = (len(down), 1, len(up))
        unet_example = example[:3] + tuple(down) + (mid,) + tuple(up)
        save(traced(UNet(unet, counts), unet_example, [unet_example], "unet"), args.out, "unet")
    else:
        expected = 9 if args.kind == "sd-inpainting" else 8
        if channels != expected:
            raise SystemExit(f"{args.model}: its UNet takes {channels} channels, {args.kind} needs {expected}")
        example = latent_inputs(2, channels, args.height, args.width, text_dim)
        checks = [latent_inputs(4, channels, h, w, text_dim) for h, w in sizes]
        save(traced(UNet(unet), example, checks, "unet"), args.out, "unet")


if __name__ == "__main__":
    main()
