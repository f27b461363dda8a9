package io.brushline.classifier;

/** The source image as stored (not decoded), for engines that show the picture to a model. */
public record EncodedImage(byte[] bytes, String contentType) {
}
