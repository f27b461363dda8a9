#!/usr/bin/python3
"""Golden data for the painters' parity tests: tiny random-weight models of the REAL architectures
(diffusers' UNet2DConditionModel and AutoencoderKL, transformers' CLIPTextModel and CLIP tokenizer,
BrushNet's BrushNetModel), exported by tools/export/export_painting.py exactly as a deployment
exports the real checkpoints, plus inputs, initial latents and what the reference pipelines paint
from them. The Java tests (GoldenPaintingTest) paint the same inputs and must land within one grey
level.

    /usr/bin/python3 tools/models/make_painting_goldens.py --kinds sd-inpainting,instruct-pix2pix
    /usr/bin/python3 tools/models/make_painting_goldens.py --kinds brushnet   # with BrushNet's diffusers fork

Needs torch, diffusers 0.27.2, transformers 4.40.2 and tokenizers (for the fast tokenizer's JSON);
BrushNet needs TencentARC/BrushNet's diffusers fork installed in place of diffusers, hence a run of
its own. CI does not run this script; it runs the Java tests on what it wrote, under
services/inpainting/src/test/resources/golden/<kind>/:

  model/          the exported TorchScript files and tokenizer.json (fp32)
  image.png       the source, at the working size (128x64)
  mask.png        255 = repaint; a disc whose edge cuts through 8x8 blocks, where the latent mask's
                  resize method shows
  latents.f32     the initial latents, java.util.Random(seed).nextGaussian() as the painters draw them
  <scheduler>.png what the reference pipeline paints, per scheduler (ddim, dpm-solver-multistep)
  case.json       prompts, seed, steps, guidance: everything the Java test needs to paint the same;
                  and the reference tokenizer's ids of the prompts (one cut at 77 tokens)

and resize/: a photo-sized source and the Pillow Lanczos resizes the pipelines feed their models;
schedulers/timesteps.json: both schedulers' timesteps for 1 to 100 steps.

The pipelines draw the masked image's latent from the autoencoder's distribution; the painters take
its mean (so that a redelivered job paints the same pixels). The goldens are made with the mean.
"""
import argparse
import json
import math
import os
import struct
import sys
import tempfile

import numpy as np
import torch
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "services/inpainting/src/test/resources/golden")
sys.path.insert(0, os.path.join(ROOT, "tools/export"))

WIDTH, HEIGHT = 128, 64
TEXT_DIM = 16
WORDS = ["a", "photo", "of", "the", "red", "cat", "on", "grass", "blurry", "low", "quality", "make", "it", "winter",
         "empty", "scene", "background", "seamless", "high", "dog"]
CASE = {"prompt": "a photo of a red cat on the grass", "negativePrompt": "blurry, low quality",
        "instruction": "make it winter", "seed": 1234, "steps": 10, "guidanceScale": 7.5, "imageGuidanceScale": 1.5,
        "conditioningScale": 1.0, "longSide": WIDTH}
SCHEDULERS = {"ddim": "DDIMScheduler", "dpm-solver-multistep": "DPMSolverMultistepScheduler"}
# Stable Diffusion 1.5's scheduler settings, as its checkpoints ship them.
SD_SCHEDULER = dict(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", num_train_timesteps=1000,
                    set_alpha_to_one=False, steps_offset=1, clip_sample=False)


def byte_symbols():
    """CLIP's byte-level alphabet: printable bytes stand for themselves, the rest map above 255."""
    printable = [b for b in range(256) if 33 <= b <= 126 or 161 <= b <= 172 or 174 <= b <= 255]
    extra = [b for b in range(256) if b not in printable]
    mapping = {b: chr(b) for b in printable}
    mapping.update({b: chr(256 + i) for i, b in enumerate(extra)})
    return [mapping[b] for b in range(256)]


def write_tokenizer(directory):
    """A CLIP BPE tokenizer with a tiny vocabulary: every byte, every byte ending a word, merges that
    spell WORDS, then the start and end tokens last as in CLIP's own vocabulary."""
    os.makedirs(directory, exist_ok=True)
    symbols = byte_symbols()
    vocab = symbols + [s + "</w>" for s in symbols]
    merges = []
    for word in WORDS:
        pieces = list(word[:-1]) + [word[-1] + "</w>"]
        while len(pieces) > 1:
            merged = pieces[0] + pieces[1]
            if (pieces[0], pieces[1]) not in merges:
                merges.append((pieces[0], pieces[1]))
                if merged not in vocab:
                    vocab.append(merged)
            pieces = [merged] + pieces[2:]
    vocab += ["<|startoftext|>", "<|endoftext|>"]
    with open(os.path.join(directory, "vocab.json"), "w") as f:
        json.dump({token: i for i, token in enumerate(vocab)}, f)
    with open(os.path.join(directory, "merges.txt"), "w") as f:
        f.write("#version: 0.2\n" + "".join(f"{a} {b}\n" for a, b in merges))
    with open(os.path.join(directory, "tokenizer_config.json"), "w") as f:
        json.dump({"model_max_length": 77, "bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>",
                   "unk_token": "<|endoftext|>", "pad_token": "<|endoftext|>", "do_lower_case": True}, f)
    return len(vocab)


def unet(in_channels):
    """Stable Diffusion 1.5's UNet layout (three cross-attention levels, then a plain one; the latents
    are halved three times) at a tiny width."""
    from diffusers import UNet2DConditionModel
    return UNet2DConditionModel(
        sample_size=8, in_channels=in_channels, out_channels=4, layers_per_block=1,
        block_out_channels=(8, 16, 16, 16),
        down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
        up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
        cross_attention_dim=TEXT_DIM, attention_head_dim=4, norm_num_groups=8)


def calibrate(unet, vae, text_dim):
    """Random weights make a UNet whose noise prediction is far from unit variance and a decoder that
    saturates, and an all-black golden tells nothing apart: scale their output convolutions so that
    the predicted noise has unit spread and decoded images sit mid-range."""
    with torch.no_grad():
        noise = unet(torch.randn(2, unet.config.in_channels, HEIGHT // 8, WIDTH // 8), torch.tensor([500.0, 500.0]),
                     encoder_hidden_states=torch.randn(2, 77, text_dim)).sample
        unet.conv_out.weight /= noise.std()
        unet.conv_out.bias /= noise.std()
        pixels = vae.decode(torch.randn(1, 4, HEIGHT // 8, WIDTH // 8)).sample
        vae.decoder.conv_out.weight *= 0.4 / pixels.std()
        vae.decoder.conv_out.bias *= 0.4 / pixels.std()


def pipeline_parts(in_channels, tokenizer_dir):
    from diffusers import AutoencoderKL, DDIMScheduler
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer
    tokenizer = CLIPTokenizer.from_pretrained(tokenizer_dir)
    vae = AutoencoderKL(in_channels=3, out_channels=3, latent_channels=4, layers_per_block=1, norm_num_groups=8,
                        block_out_channels=(8, 8, 16, 16), down_block_types=("DownEncoderBlock2D",) * 4,
                        up_block_types=("UpDecoderBlock2D",) * 4, sample_size=64)
    text = CLIPTextModel(CLIPTextConfig(
        vocab_size=len(tokenizer.encoder), hidden_size=TEXT_DIM, intermediate_size=32, num_hidden_layers=2,
        num_attention_heads=2, max_position_embeddings=77, hidden_act="quick_gelu",
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id))
    denoiser = unet(in_channels).eval()
    calibrate(denoiser, vae.eval(), TEXT_DIM)
    return dict(unet=denoiser, vae=vae, text_encoder=text.eval(), tokenizer=tokenizer,
                scheduler=DDIMScheduler(**SD_SCHEDULER), safety_checker=None, feature_extractor=None,
                requires_safety_checker=False)


def brushnet_from(base_unet):
    """BrushNet's branch copied from the base UNet; its zero-initialised output convolutions and the
    mask channel of its input convolution get random weights, so that the branch changes the result."""
    from diffusers import BrushNetModel
    brushnet = BrushNetModel.from_unet(base_unet)
    with torch.no_grad():
        for name, parameter in brushnet.named_parameters():
            if name.startswith(("brushnet_down_blocks", "brushnet_mid_block", "brushnet_up_blocks")):
                parameter.copy_(torch.randn_like(parameter) * 0.05)
        brushnet.conv_in_condition.weight[:, 8:] = torch.randn_like(brushnet.conv_in_condition.weight[:, 8:]) * 0.2
    return brushnet.eval()


def java_gaussians(seed, count):
    """java.util.Random(seed).nextGaussian(), count times: the 48-bit linear congruential generator and
    the polar method, as the Java painters draw their initial latents."""
    multiplier, increment, mask = 0x5DEECE66D, 0xB, (1 << 48) - 1
    state = (seed ^ multiplier) & mask

    def bits(n):
        nonlocal state
        state = (state * multiplier + increment) & mask
        return state >> (48 - n)

    values = []
    while len(values) < count:
        while True:
            v1 = 2 * (((bits(26) << 27) + bits(27)) / float(1 << 53)) - 1
            v2 = 2 * (((bits(26) << 27) + bits(27)) / float(1 << 53)) - 1
            s = v1 * v1 + v2 * v2
            if 0 < s < 1:
                break
        factor = math.sqrt(-2 * math.log(s) / s)
        values += [v1 * factor, v2 * factor]
    return np.array(values[:count], dtype=np.float32)


def write_f32(path, array):
    """Little-endian: int32 rank, int64 dimensions, float32 values."""
    array = np.ascontiguousarray(array, dtype="<f4")
    with open(path, "wb") as f:
        f.write(struct.pack("<i", array.ndim) + struct.pack("<" + "q" * array.ndim, *array.shape))
        f.write(array.tobytes())


def source_image(scale=1):
    """Gradients, a wave and noise: smooth enough for the autoencoder, busy enough to show shifts."""
    rng = np.random.RandomState(7)
    y, x = np.mgrid[0:HEIGHT * scale, 0:WIDTH * scale] / float(scale)
    image = np.stack([x * 255.0 / WIDTH, y * 255.0 / HEIGHT, 128 + 100 * np.sin(x / 7.0 + y / 5.0)], -1)
    return np.clip(image + rng.normal(0, 20, image.shape), 0, 255).astype(np.uint8)


def disc_mask():
    y, x = np.mgrid[0:HEIGHT, 0:WIDTH]
    return np.where((x - 61.5) ** 2 + (y - 30.5) ** 2 < 19.3 ** 2, 255, 0).astype(np.uint8)


def reference_pipeline(kind, model_dir, brushnet_dir):
    import diffusers
    if kind == "sd-inpainting":
        return diffusers.StableDiffusionInpaintPipeline.from_pretrained(model_dir, safety_checker=None)
    if kind == "instruct-pix2pix":
        return diffusers.StableDiffusionInstructPix2PixPipeline.from_pretrained(model_dir, safety_checker=None)
    brushnet = diffusers.BrushNetModel.from_pretrained(brushnet_dir)
    return diffusers.StableDiffusionBrushNetPipeline.from_pretrained(model_dir, brushnet=brushnet,
                                                                     safety_checker=None)


def paint(pipe, kind, image, mask, latents, scheduler):
    import diffusers
    # From SD-1.5's settings as its checkpoints ship them, with no timestep spacing named, so that each
    # scheduler takes its own default (DDIM "leading", DPM-Solver++ "linspace") as a deployment's would.
    pipe.scheduler = getattr(diffusers, SCHEDULERS[scheduler]).from_config(SD_SCHEDULER)
    pipe.set_progress_bar_config(disable=True)
    common = dict(num_inference_steps=CASE["steps"], guidance_scale=CASE["guidanceScale"],
                  negative_prompt=CASE["negativePrompt"], latents=torch.from_numpy(latents.copy()))
    with torch.no_grad():
        if kind == "sd-inpainting":
            return pipe(prompt=CASE["prompt"], image=Image.fromarray(image), mask_image=Image.fromarray(mask),
                        height=HEIGHT, width=WIDTH, **common).images[0]
        if kind == "instruct-pix2pix":
            return pipe(prompt=CASE["instruction"], image=Image.fromarray(image),
                        image_guidance_scale=CASE["imageGuidanceScale"], **common).images[0]
        # BrushNet's own convention: the caller blacks out the hole; the mask is an RGB image.
        blanked = image * (mask[:, :, None] < 128)
        return pipe(prompt=CASE["prompt"], image=Image.fromarray(blanked.astype(np.uint8)),
                    mask=Image.fromarray(mask).convert("RGB"), height=HEIGHT, width=WIDTH,
                    brushnet_conditioning_scale=CASE["conditioningScale"], **common).images[0]


def make(kind, work):
    import export_painting
    from diffusers import (StableDiffusionInpaintPipeline, StableDiffusionInstructPix2PixPipeline,
                           StableDiffusionPipeline)
    from diffusers.models.autoencoders import vae as vae_module
    vae_module.DiagonalGaussianDistribution.sample = lambda self, generator=None: self.mean

    tokenizer_dir = os.path.join(work, "tokenizer")
    write_tokenizer(tokenizer_dir)
    seed = {"sd-inpainting": 1, "instruct-pix2pix": 2, "brushnet": 3}[kind]
    torch.manual_seed(seed)
    checkpoint = os.path.join(work, kind)
    cls, channels = {"sd-inpainting": (StableDiffusionInpaintPipeline, 9),
                     "instruct-pix2pix": (StableDiffusionInstructPix2PixPipeline, 8),
                     "brushnet": (StableDiffusionPipeline, 4)}[kind]
    parts = pipeline_parts(channels, tokenizer_dir)
    cls(**parts).save_pretrained(checkpoint, safe_serialization=False)
    brushnet_dir = None
    if kind == "brushnet":
        brushnet_dir = os.path.join(work, "brushnet-branch")
        brushnet_from(parts["unet"]).save_pretrained(brushnet_dir, safe_serialization=False)

    out = os.path.join(OUT, kind)
    export_painting.export(kind, checkpoint, os.path.join(out, "model"), long_side=WIDTH, brushnet=brushnet_dir)

    image, mask = source_image(), disc_mask()
    Image.fromarray(image).save(os.path.join(out, "image.png"))
    Image.fromarray(mask).save(os.path.join(out, "mask.png"))
    latents = java_gaussians(CASE["seed"], 4 * (HEIGHT // 8) * (WIDTH // 8)).reshape(1, 4, HEIGHT // 8, WIDTH // 8)
    write_f32(os.path.join(out, "latents.f32"), latents)
    pipe = reference_pipeline(kind, checkpoint, brushnet_dir)
    for scheduler in SCHEDULERS:
        paint(pipe, kind, image, mask, latents, scheduler).save(os.path.join(out, scheduler + ".png"))
    def ids(text):
        return pipe.tokenizer(text, padding="max_length", max_length=77, truncation=True).input_ids

    token_ids = {"prompt": ids(CASE["prompt"]), "negativePrompt": ids(CASE["negativePrompt"]),
                 "instruction": ids(CASE["instruction"]), "long": ids("a photo of the cat " * 30)}
    with open(os.path.join(out, "case.json"), "w") as f:
        json.dump(dict(CASE, schedulers=list(SCHEDULERS), tokenIds=token_ids), f)
        f.write("\n")
    print("wrote", out)


def make_resize():
    """Pillow's Lanczos, as the pipelines resize a photo (and its mask) to the working size."""
    out = os.path.join(OUT, "resize")
    os.makedirs(out, exist_ok=True)
    source = Image.fromarray(source_image(scale=3)[:181, :371])
    source.save(os.path.join(out, "source.png"))
    for width, height in [(WIDTH, HEIGHT), (256, 128), (500, 250)]:
        source.resize((width, height), resample=Image.LANCZOS).save(os.path.join(out, f"lanczos-{width}x{height}.png"))
    print("wrote", out)


def make_timesteps():
    """The timesteps of both schedulers for every step count from 1 to 100."""
    import diffusers
    out = os.path.join(OUT, "schedulers")
    os.makedirs(out, exist_ok=True)
    timesteps = {}
    for name, cls in SCHEDULERS.items():
        scheduler = getattr(diffusers, cls).from_config(SD_SCHEDULER)
        timesteps[name] = {}
        for steps in range(1, 101):
            scheduler.set_timesteps(steps)
            timesteps[name][str(steps)] = [int(t) for t in scheduler.timesteps]
    with open(os.path.join(out, "timesteps.json"), "w") as f:
        json.dump(timesteps, f)
    print("wrote", out)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kinds", default="sd-inpainting,instruct-pix2pix,resize,schedulers",
                        help="comma-separated: sd-inpainting, instruct-pix2pix, brushnet, resize, schedulers")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        for kind in args.kinds.split(","):
            {"resize": make_resize, "schedulers": make_timesteps}.get(kind, lambda: make(kind, work))()


if __name__ == "__main__":
    main()
