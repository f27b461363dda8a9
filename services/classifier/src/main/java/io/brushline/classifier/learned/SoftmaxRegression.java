package io.brushline.classifier.learned;

/**
 * Multinomial logistic regression over sentence embeddings, trained by full-batch gradient descent
 * with L2 regularisation and a weight per example. Small enough to train at start-up in a second or two (a few thousand
 * examples, 384 inputs, five classes); written out here because it is twenty lines of arithmetic.
 */
final class SoftmaxRegression {

    private final double[][] weights;
    private final double[] bias;

    private SoftmaxRegression(double[][] weights, double[] bias) {
        this.weights = weights;
        this.bias = bias;
    }

    /** A model trained before, from its parameters ({@link #weights()}, {@link #bias()}). */
    static SoftmaxRegression of(double[][] weights, double[] bias) {
        return new SoftmaxRegression(weights, bias);
    }

    /** One row of input weights per class. */
    double[][] weights() {
        return weights;
    }

    double[] bias() {
        return bias;
    }

    static SoftmaxRegression train(float[][] x, int[] y, double[] weight, int classes, int epochs, double learningRate, double l2) {
        int n = x.length;
        int d = x[0].length;
        double totalWeight = java.util.Arrays.stream(weight).sum();
        double[][] w = new double[classes][d];
        double[] b = new double[classes];
        double[][] gradW = new double[classes][d];
        double[] gradB = new double[classes];
        double[] p = new double[classes];
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (double[] row : gradW) {
                java.util.Arrays.fill(row, 0);
            }
            java.util.Arrays.fill(gradB, 0);
            for (int i = 0; i < n; i++) {
                probabilities(w, b, x[i], p);
                for (int c = 0; c < classes; c++) {
                    double error = weight[i] * (p[c] - (y[i] == c ? 1 : 0));
                    gradB[c] += error;
                    double[] g = gradW[c];
                    for (int j = 0; j < d; j++) {
                        g[j] += error * x[i][j];
                    }
                }
            }
            for (int c = 0; c < classes; c++) {
                for (int j = 0; j < d; j++) {
                    w[c][j] -= learningRate * (gradW[c][j] / totalWeight + l2 * w[c][j]);
                }
                b[c] -= learningRate * gradB[c] / totalWeight;
            }
        }
        return new SoftmaxRegression(w, b);
    }

    double[] probabilities(float[] x) {
        double[] p = new double[bias.length];
        probabilities(weights, bias, x, p);
        return p;
    }

    private static void probabilities(double[][] w, double[] b, float[] x, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < b.length; c++) {
            double z = b[c];
            for (int j = 0; j < x.length; j++) {
                z += w[c][j] * x[j];
            }
            out[c] = z;
            max = Math.max(max, z);
        }
        double sum = 0;
        for (int c = 0; c < b.length; c++) {
            out[c] = Math.exp(out[c] - max);
            sum += out[c];
        }
        for (int c = 0; c < b.length; c++) {
            out[c] /= sum;
        }
    }
}
