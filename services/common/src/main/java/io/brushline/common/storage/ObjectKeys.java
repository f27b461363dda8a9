package io.brushline.common.storage;

import io.brushline.common.imaging.ResultFormat;

/** Where each job's images live; derived from the job id so that re-runs overwrite, never duplicate. */
public final class ObjectKeys {

    private ObjectKeys() {
    }

    public static String source(String jobId) {
        return "jobs/" + jobId + "/source";
    }

    public static String hintMask(String jobId) {
        return "jobs/" + jobId + "/hint-mask.png";
    }

    /** An image the client supplied to put behind the subject. */
    public static String backgroundImage(String jobId) {
        return "jobs/" + jobId + "/background";
    }

    public static String mask(String jobId) {
        return "jobs/" + jobId + "/mask.png";
    }

    public static String result(String jobId, ResultFormat format) {
        return "jobs/" + jobId + "/result" + format.extension();
    }

    /**
     * The area of the bucket a tenant's dataset may name by prefix: every key a prefix resolves to starts
     * here, so it can reach neither another tenant's objects nor the service's own ({@code jobs/},
     * {@code datasets/}, ...).
     */
    public static String tenantInputs(String tenant) {
        // a '/' in the name would let one tenant's area hold another's ("a" + "b/..." is "a/b"'s)
        if (tenant.isEmpty() || tenant.contains("/")) {
            throw new IllegalArgumentException("tenant '" + tenant + "' cannot have an input area: its name is "
                    + "empty or has '/'");
        }
        return "inputs/" + tenant + "/";
    }

    /** Image {@code image} of a dataset job, as submitted. */
    public static String datasetSource(String datasetId, int image) {
        return "dataset-jobs/" + datasetId + "/sources/" + image;
    }

    /** The mask supplied for object {@code object} of image {@code image} of a dataset job, as submitted. */
    public static String datasetSuppliedMask(String datasetId, int image, int object) {
        return "dataset-jobs/" + datasetId + "/masks/" + image + "-" + object;
    }

    /** Where a dataset job writes its output: {@code images/}, {@code metadata.jsonl}, {@code README.md}. */
    public static String datasetPrefix(String datasetId) {
        return "datasets/" + datasetId + "/";
    }
}
