package io.brushline.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.state.DatasetCounts;
import io.brushline.common.state.DatasetStore;
import io.brushline.common.storage.ObjectKeys;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a dataset's hash (see {@code DatasetStore}) as the API's JSON, with its rate and ETA.
 *
 * <p>Rate: pairs that have ended (kept, or dropped at verification) per minute since the dataset was
 * created, up to its completion. ETA: the pairs still expected at that rate, where the images not yet
 * surveyed are expected to queue as many removals each as the surveyed ones did on average; unknown
 * (null) until an image is surveyed and a pair has ended, 0 once completed.
 */
final class DatasetView {

    private DatasetView() {
    }

    static Map<String, Object> of(String id, Map<String, String> dataset, Instant now, ObjectMapper json) {
        long images = number(dataset, "images");
        long surveyed = number(dataset, "images.surveyed");
        long queued = number(dataset, "pairs.queued");
        long kept = number(dataset, "pairs.kept");
        DatasetCounts counts = DatasetCounts.of(dataset);
        List<Map<String, Object>> failed = new ArrayList<>();
        counts.failedImages().forEach((index, failure) -> failed.add(failedImage(index, failure, json)));
        long pairsDropped = counts.pairsDropped();
        String completedAt = dataset.get("completedAt");
        Instant created = Instant.parse(dataset.get("createdAt"));
        Instant end = completedAt == null ? now : Instant.parse(completedAt);
        double elapsed = Math.max(0, Duration.between(created, end).toMillis() / 1000.0);
        long ended = kept + pairsDropped;

        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put("state", completedAt == null ? "running" : "completed");
        view.put("images", images);
        view.put("images_surveyed", surveyed);
        view.put("objects_found", number(dataset, "objects.found"));
        view.put("pairs_queued", queued);
        view.put("pairs_kept", kept);
        view.put("pairs_unverified", number(dataset, DatasetStore.PAIRS_UNVERIFIED));
        view.put("pairs_dropped", pairsDropped);
        view.put("dropped", counts.dropped());
        view.put("failed_images", failed);
        view.put("remaining", number(dataset, "remaining"));
        view.put("created_at", dataset.get("createdAt"));
        view.put("completed_at", completedAt);
        view.put("elapsed_seconds", Math.round(elapsed));
        Double perSecond = ended > 0 && elapsed > 0 ? ended / elapsed : null;
        view.put("pairs_per_minute", perSecond == null ? null : Math.round(perSecond * 60 * 100) / 100.0);
        view.put("eta_seconds", completedAt != null ? Long.valueOf(0)
                : eta(images, surveyed, queued, ended, perSecond));
        view.put("filters", tree(dataset.get("settings"), json));
        if (dataset.containsKey("prefix")) {
            view.put("prefix", dataset.get("prefix"));
        }
        if (dataset.containsKey("webhookUrl")) {
            view.put("webhook_url", dataset.get("webhookUrl"));
        }
        if (dataset.containsKey("webhook")) {
            view.put("webhook", dataset.get("webhook"));
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("prefix", ObjectKeys.datasetPrefix(id));
        output.put("metadata_url", "/v1/datasets/" + id + "/files/metadata.jsonl");
        output.put("card_url", "/v1/datasets/" + id + "/files/README.md");
        view.put("output", output);
        return view;
    }

    /** Seconds until the pairs still expected have ended at the rate so far; null when that is unknown. */
    private static Long eta(long images, long surveyed, long queued, long ended, Double perSecond) {
        if (surveyed == 0 || perSecond == null) {
            return null;
        }
        double expected = queued + (double) (images - surveyed) * queued / surveyed;
        return (long) Math.ceil(Math.max(0, expected - ended) / perSecond);
    }

    private static Map<String, Object> failedImage(int index, String failureJson, ObjectMapper json) {
        Map<String, Object> image = new LinkedHashMap<>();
        image.put("index", index);
        JsonNode failure = tree(failureJson, json);
        image.put("error", failure == null ? null : failure.path("error").asText(null));
        image.put("message", failure == null ? failureJson : failure.path("message").asText(null));
        return image;
    }

    private static JsonNode tree(String text, ObjectMapper json) {
        if (text == null) {
            return null;
        }
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static long number(Map<String, String> dataset, String field) {
        String value = dataset.get(field);
        return value == null ? 0 : Long.parseLong(value);
    }
}
