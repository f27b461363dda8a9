#!/usr/bin/python3
"""Golden data for the SAM segmenter: a tiny random-weight Segment Anything built from segment-anything's
own classes (ViT image encoder, prompt encoder, two-way-transformer mask decoder, at toy widths and a
256 px input), exported by the project's tools/export/export_sam.py, plus input images, prompts and the
masks segment-anything's SamPredictor makes (single-mask output). The Java tests compare the service's
SamSegmenter with these masks.

Needs segment-anything, torch, torchvision and Pillow (CI does not run this; the outputs are committed):

    /usr/bin/python3 tools/models/make_segmenter_goldens.py

Writes services/masking/src/test/resources/golden/sam/: sam-encoder.pt, sam-decoder.pt, one PNG per
image, one mask PNG per case (255 = object) and cases.json (image, box, points, mask file).
"""
import importlib.util
import json
import os
import shutil
from functools import partial

import numpy as np
import torch
from PIL import Image
from segment_anything import SamPredictor
from segment_anything.modeling import ImageEncoderViT, MaskDecoder, PromptEncoder, Sam, TwoWayTransformer

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "services/masking/src/test/resources/golden/sam")
EXPORT = os.path.join(ROOT, "tools/export/export_sam.py")

SIDE = 256
PATCH = 16
# a landscape image downscaled to the input side, a portrait one whose short side rounds up (170.7 -> 171)
IMAGES = {"landscape.png": (320, 240), "portrait.png": (200, 300)}


def tiny_sam():
    torch.manual_seed(3)
    grid = SIDE // PATCH
    sam = Sam(
        image_encoder=ImageEncoderViT(img_size=SIDE, patch_size=PATCH, embed_dim=16, depth=2, num_heads=2,
                                      mlp_ratio=2, out_chans=32, qkv_bias=True,
                                      norm_layer=partial(torch.nn.LayerNorm, eps=1e-6), use_rel_pos=True,
                                      window_size=4, global_attn_indexes=[1]),
        prompt_encoder=PromptEncoder(embed_dim=32, image_embedding_size=(grid, grid), input_image_size=(SIDE, SIDE),
                                     mask_in_chans=4),
        mask_decoder=MaskDecoder(num_multimask_outputs=3,
                                 transformer=TwoWayTransformer(depth=2, embedding_dim=32, mlp_dim=64, num_heads=2),
                                 transformer_dim=32, iou_head_depth=3, iou_head_hidden_dim=32),
        pixel_mean=[123.675, 116.28, 103.53],
        pixel_std=[58.395, 57.12, 57.375])
    return sam.eval()


def make_image(width, height, seed):
    """Smooth colour fields and an ellipse: something for the prompts to fall on, small as PNG."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    rng = np.random.RandomState(seed)
    image = np.stack([x * 255 / width, y * 255 / height, 128 + 90 * np.sin(x / 9.0) * np.cos(y / 7.0)], -1)
    inside = ((x - width / 2) / (width / 4)) ** 2 + ((y - height / 2) / (height / 4)) ** 2 < 1
    image[inside] = rng.uniform(0, 255, 3)
    return np.clip(image, 0, 255).astype(np.uint8)


def main():
    spec = importlib.util.spec_from_file_location("export_sam", EXPORT)
    export_sam = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(export_sam)
    sam = tiny_sam()
    shutil.rmtree(OUT, ignore_errors=True)
    export_sam.export(sam, OUT)
    predictor = SamPredictor(sam)
    cases = []
    for seed, (name, (width, height)) in enumerate(IMAGES.items()):
        rgb = make_image(width, height, seed)
        Image.fromarray(rgb).save(os.path.join(OUT, name))
        predictor.set_image(rgb)
        box = [width // 4, height // 5, width * 3 // 4, height * 4 // 5]
        points = [[width // 2, height // 2, 1], [width // 8, height // 8, 0]]
        prompts = {"box": {"box": box, "points": []}, "points": {"box": None, "points": points},
                   "box+points": {"box": box, "points": points}}
        for prompt, given in prompts.items():
            kwargs = {}
            if given["box"]:
                kwargs["box"] = np.array(given["box"], dtype=np.float32)
            if given["points"]:
                kwargs["point_coords"] = np.array([p[:2] for p in given["points"]], dtype=np.float32)
                kwargs["point_labels"] = np.array([p[2] for p in given["points"]])
            with torch.no_grad():
                masks, _, _ = predictor.predict(multimask_output=False, **kwargs)
            mask_file = f"{name[:-4]}-{prompt.replace('+', '-')}-mask.png"
            Image.fromarray(masks[0].astype(np.uint8) * 255).save(os.path.join(OUT, mask_file))
            cases.append({"image": name, "prompt": prompt, "box": given["box"], "points": given["points"],
                          "mask": mask_file})
            print(f"{name} {width}x{height} {prompt}: {masks[0].mean():.3f} of the image masked")
    with open(os.path.join(OUT, "cases.json"), "w") as f:
        json.dump({"input_side": SIDE, "cases": cases}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
