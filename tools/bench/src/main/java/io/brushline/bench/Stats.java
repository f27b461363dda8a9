package io.brushline.bench;

import java.util.Arrays;
import java.util.Collection;

/** Percentiles of a set of measurements (nearest-rank). */
record Stats(int count, double p50, double p95, double p99, double max, double mean) {

    static Stats of(Collection<? extends Number> values) {
        double[] sorted = values.stream().mapToDouble(Number::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            return new Stats(0, 0, 0, 0, 0, 0);
        }
        return new Stats(sorted.length, rank(sorted, 0.50), rank(sorted, 0.95), rank(sorted, 0.99),
                sorted[sorted.length - 1], Arrays.stream(sorted).average().orElse(0));
    }

    private static double rank(double[] sorted, double q) {
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    String row(String name) {
        return String.format("%-34s %6d %9.1f %9.1f %9.1f %9.1f", name, count, p50, p95, p99, max);
    }

    static String header() {
        return String.format("%-34s %6s %9s %9s %9s %9s", "ms", "n", "p50", "p95", "p99", "max");
    }
}
