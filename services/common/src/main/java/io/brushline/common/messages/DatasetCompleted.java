package io.brushline.common.messages;

/**
 * Sent to {@code dataset-completed} once a dataset's files are written; the notifier announces it.
 * Kafka record key = {@code datasetId}.
 */
public record DatasetCompleted(String datasetId) {
}
