package io.brushline.inpainting.bench;

import org.opencv.core.Mat;

/**
 * A photo with a synthetic hole: the pixels under the hole are the ground truth a fill should recover.
 *
 * @param name  photo and mask it was made from
 * @param image the photo at the benchmark size, BGR {@code CV_8UC3}, complete
 * @param hole  {@code CV_8UC1}, 255 = to fill
 */
record HoleCase(String name, Mat image, Mat hole) {
}
