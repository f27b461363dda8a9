#!/usr/bin/env python3
"""Exports Segment Anything as image encoder + prompt decoder TorchScript files for the masking service
(brushline.masking.segmenter=sam).

    pip install torch git+https://github.com/facebookresearch/segment-anything.git
    wget https://dl.fbaipublicfiles.com/segment_anything/sam_vit_b_01ec64.pth
    python tools/export/export_sam.py --checkpoint sam_vit_b_01ec64.pth --type vit_b --out models/

Writes models/sam-encoder.pt and models/sam-decoder.pt, and prints their sha256. The decoder file holds
only the prompt encoder and the mask decoder (a few MB for every model type); the image encoder is in
the encoder file alone.

Signatures (what io.brushline.masking.SamSegmenter feeds and reads):
    encoder: forward(pixel_values [1,3,1024,1024]) -> image_embeddings [1,256,64,64]
             (longest side resized to 1024, ImageNet mean/std on 0..255 RGB, zero padding bottom-right)
    decoder: forward(image_embeddings [1,256,64,64], point_coords [1,N,2] float (input-frame pixels),
                     point_labels [1,N] float (1 fg, 0 bg, 2/3 box corners, -1 padding),
                     mask_input [1,1,256,256], has_mask_input [1])
             -> (low_res_masks [1,1,256,256] logits, iou_predictions [1,1])
The decoder returns the single-mask output (multimask off); Java upsamples the low-resolution logits
to the source size and thresholds them at 0.
"""
import argparse
import os
import sys

import torch
from torch import nn
from segment_anything import sam_model_registry
from segment_anything.utils.onnx import SamOnnxModel

# callers that load this file by path (runpy.run_path, importlib) do not put its folder on sys.path
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checksums import print_sha256  # noqa: E402


class Encoder(nn.Module):
    def __init__(self, sam):
        super().__init__()
        self.image_encoder = sam.image_encoder

    def forward(self, pixel_values):
        return self.image_encoder(pixel_values)


class Decoder(nn.Module):
    """The prompt encoder and mask decoder, embedding points (box corners included) and the mask input as
    the official ONNX wrapper does, without its upscaling (done in Java) and with the single-mask output.

    The wrapper's embedding methods are called on this module, which has the two attributes they read
    (`model.prompt_encoder`, `img_size`), so that the wrapper itself, which holds the whole model image
    encoder included, is not part of the traced file."""

    def __init__(self, sam):
        super().__init__()
        self.model = nn.Module()
        self.model.prompt_encoder = sam.prompt_encoder
        self.mask_decoder = sam.mask_decoder
        self.img_size = sam.image_encoder.img_size

    def forward(self, image_embeddings, point_coords, point_labels, mask_input, has_mask_input):
        sparse = SamOnnxModel._embed_points(self, point_coords, point_labels)
        dense = SamOnnxModel._embed_masks(self, mask_input, has_mask_input)
        masks, iou = self.mask_decoder.predict_masks(
            image_embeddings=image_embeddings,
            image_pe=self.model.prompt_encoder.get_dense_pe(),
            sparse_prompt_embeddings=sparse,
            dense_prompt_embeddings=dense,
        )
        return masks[:, :1], iou[:, :1]


def export(sam, out):
    """Traces `sam` (a segment_anything Sam) into out/sam-encoder.pt and out/sam-decoder.pt."""
    os.makedirs(out, exist_ok=True)
    side = sam.image_encoder.img_size
    with torch.no_grad():
        encoder = torch.jit.trace(Encoder(sam), (torch.zeros(1, 3, side, side),))
        embeddings = encoder(torch.zeros(1, 3, side, side))
        low = 4 * embeddings.shape[-1]
        example = (embeddings, torch.tensor([[[10.0, 10.0], [200.0, 300.0]]]), torch.tensor([[2.0, 3.0]]),
                   torch.zeros(1, 1, low, low), torch.zeros(1))
        decoder = torch.jit.trace(Decoder(sam), example)
    encoder_file = os.path.join(out, "sam-encoder.pt")
    decoder_file = os.path.join(out, "sam-decoder.pt")
    encoder.save(encoder_file)
    decoder.save(decoder_file)
    image_encoder_keys = [k for k in torch.jit.load(decoder_file).state_dict() if "image_encoder" in k]
    if image_encoder_keys:
        raise SystemExit(f"the decoder file holds image encoder weights: {image_encoder_keys[:3]}")
    print_sha256((encoder_file, decoder_file))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--type", default="vit_b", choices=["vit_b", "vit_l", "vit_h"])
    parser.add_argument("--out", default="models")
    args = parser.parse_args()
    export(sam_model_registry[args.type](checkpoint=args.checkpoint).eval(), args.out)


if __name__ == "__main__":
    main()
