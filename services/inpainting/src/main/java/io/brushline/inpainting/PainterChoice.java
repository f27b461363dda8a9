package io.brushline.inpainting;

/** The painter a category is configured to use. */
public enum PainterChoice {
    /** The best painter configured for the category; see {@link PainterRegistry}. */
    AUTO,
    /** OpenCV fill from the surroundings; only meaningful for REMOVE. */
    CLASSICAL,
    /** The masked-inpainting model (Stable-Diffusion inpainting or BrushNet, whichever is configured). */
    INPAINTING,
    /** The mask-free instruction model (InstructPix2Pix-style). */
    INSTRUCTION,
    /** The category is refused. */
    NONE
}
