#!/usr/bin/python3
"""Tiny random-weight TorchScript models with the input/output signatures of the painting models,
for tests of the Java diffusion loop (shapes, guidance, schedulers, batching, paste-back) without the
real checkpoints.

Run with Debian's python3-torch (1.13; the files load in DJL's libtorch 2.7.1):

    /usr/bin/python3 tools/models/make_tiny_painting_models.py

Writes, deterministically (fixed seed, traced modules), under
services/inpainting/src/test/resources/tiny/:

  sd-inpainting/   tokenizer.json, text_encoder.pt, vae_encoder.pt, vae_decoder.pt, unet.pt (9 channels)
  brushnet/        the same plus brushnet.pt, with unet.pt the 4-channel UNet that adds BrushNet's residuals
  instruct-pix2pix/ the same with unet.pt taking 8 channels

Signatures (B batch, h = H/8, w = W/8, D = text width; the real models have D = 768):
  text_encoder(input_ids int64 [B,77]) -> last_hidden_state [B,77,D]
  vae_encoder(image [B,3,H,W] in [-1,1]) -> latent mean [B,4,h,w] (unscaled)
  vae_decoder(latent [B,4,h,w], unscaled) -> image [B,3,H,W] in about [-1,1]
  unet(sample [B,C,h,w], timestep float [B], text [B,77,D], *residuals) -> noise [B,4,h,w]
  brushnet(sample [B,4,h,w], timestep float [B], text [B,77,D], condition [B,5,h,w]) -> residuals (a tuple)
"""
import json
import os

import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "services/inpainting/src/test/resources/tiny")

TEXT_LENGTH = 77
TEXT_DIM = 8
LATENT = 4
HIDDEN = 8
VOCAB = ["!", "<|startoftext|>", "<|endoftext|>", "[UNK]", "a", "photo", "of", "the", "dog", "cat", "empty",
         "scene", ",", "background", "seamless", "high", "quality", "make", "it", "winter", "add", "balloon"]


def timestep_features(timestep):
    """Sinusoidal features of the timestep, as the real UNet embeds it."""
    frequencies = torch.exp(-torch.arange(HIDDEN // 2, dtype=torch.float32) * 1.5)
    angles = timestep.float()[:, None] * frequencies[None, :] / 100.0
    return torch.cat([angles.sin(), angles.cos()], dim=1)


class TextEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(len(VOCAB), TEXT_DIM)
        self.position = nn.Parameter(torch.randn(TEXT_LENGTH, TEXT_DIM) * 0.1)
        self.mix = nn.Linear(TEXT_DIM, TEXT_DIM)

    def forward(self, input_ids):
        return torch.tanh(self.mix(self.embed(input_ids) + self.position))


class VaeEncoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.down = nn.Conv2d(3, LATENT, 8, 8)

    def forward(self, image):
        return self.down(image)


class VaeDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.mix = nn.Conv2d(LATENT, 3 * 64, 1)
        self.shuffle = nn.PixelShuffle(8)

    def forward(self, latent):
        return torch.tanh(self.shuffle(self.mix(latent)))


class UNet(nn.Module):
    """Noise prediction from the sample, the timestep and the mean text feature; with residuals it
    adds them after its first convolution, the way BrushNet's patched UNet does."""

    def __init__(self, in_channels, residuals=0):
        super().__init__()
        self.conv_in = nn.Conv2d(in_channels, HIDDEN, 3, padding=1)
        self.time = nn.Linear(HIDDEN, HIDDEN)
        self.text = nn.Linear(TEXT_DIM, HIDDEN)
        self.conv_out = nn.Conv2d(HIDDEN, LATENT, 3, padding=1)
        self.residuals = residuals

    def forward(self, sample, timestep, text, *residuals):
        h = self.conv_in(sample)
        h = h + self.time(timestep_features(timestep))[:, :, None, None]
        h = h + self.text(text.mean(dim=1))[:, :, None, None]
        for residual in residuals:
            h = h + residual
        return self.conv_out(torch.tanh(h))


class BrushNet(nn.Module):
    """Residuals from the noisy latent and the 5-channel condition (masked-image latent + kept-region mask)."""

    def __init__(self, count=3):
        super().__init__()
        self.conv_in = nn.Conv2d(LATENT + 5, HIDDEN, 3, padding=1)
        self.time = nn.Linear(HIDDEN, HIDDEN)
        self.text = nn.Linear(TEXT_DIM, HIDDEN)
        self.heads = nn.ModuleList([nn.Conv2d(HIDDEN, HIDDEN, 1) for _ in range(count)])

    def forward(self, sample, timestep, text, condition):
        h = self.conv_in(torch.cat([sample, condition], dim=1))
        h = h + self.time(timestep_features(timestep))[:, :, None, None]
        h = h + self.text(text.mean(dim=1))[:, :, None, None]
        return tuple(head(torch.tanh(h)) for head in self.heads)


def tokenizer():
    start, end, unknown = "<|startoftext|>", "<|endoftext|>", "[UNK]"
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [{"id": VOCAB.index(t), "content": t, "single_word": False, "lstrip": False,
                          "rstrip": False, "normalized": False, "special": True} for t in [start, end]],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": start, "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": end, "type_id": 0}}],
            "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {t: {"id": t, "ids": [VOCAB.index(t)], "tokens": [t]} for t in [start, end]},
        },
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": {t: i for i, t in enumerate(VOCAB)}, "unk_token": unknown},
    }


def save(module, example, path):
    traced = torch.jit.trace(module.eval(), example, check_trace=False)
    traced.save(path)


def write_common(directory):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "tokenizer.json"), "w") as out:
        json.dump(tokenizer(), out, indent=1, sort_keys=True)
        out.write("\n")
    save(TextEncoder(), torch.zeros(1, TEXT_LENGTH, dtype=torch.long), os.path.join(directory, "text_encoder.pt"))
    save(VaeEncoder(), torch.zeros(1, 3, 16, 16), os.path.join(directory, "vae_encoder.pt"))
    save(VaeDecoder(), torch.zeros(1, LATENT, 2, 2), os.path.join(directory, "vae_decoder.pt"))


def main():
    torch.manual_seed(0)
    text = torch.zeros(2, TEXT_LENGTH, TEXT_DIM)
    timestep = torch.tensor([999.0, 999.0])

    sd = os.path.join(OUT, "sd-inpainting")
    write_common(sd)
    save(UNet(9), (torch.zeros(2, 9, 2, 2), timestep, text), os.path.join(sd, "unet.pt"))

    brush = os.path.join(OUT, "brushnet")
    write_common(brush)
    brushnet = BrushNet()
    save(brushnet, (torch.zeros(2, LATENT, 2, 2), timestep, text, torch.zeros(2, 5, 2, 2)),
         os.path.join(brush, "brushnet.pt"))
    residuals = tuple(torch.zeros(2, HIDDEN, 2, 2) for _ in brushnet.heads)
    save(UNet(LATENT, len(residuals)), (torch.zeros(2, LATENT, 2, 2), timestep, text) + residuals,
         os.path.join(brush, "unet.pt"))

    ip2p = os.path.join(OUT, "instruct-pix2pix")
    write_common(ip2p)
    save(UNet(8), (torch.zeros(2, 8, 2, 2), timestep, text), os.path.join(ip2p, "unet.pt"))


if __name__ == "__main__":
    main()
