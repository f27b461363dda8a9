package io.brushline.gateway;

import io.brushline.common.state.JobState;
import io.brushline.common.state.JobStore;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Renders the job hash from Redis as the API's JSON (snake_case, timestamps as ISO-8601). */
final class JobView {

    private JobView() {
    }

    static Map<String, Object> of(String id, Map<String, String> job) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put("state", job.get("state"));
        view.put("instruction", job.get("instruction"));
        view.put("created_at", job.get("createdAt"));
        view.put("width", Integer.valueOf(job.get("width")));
        view.put("height", Integer.valueOf(job.get("height")));
        putIfPresent(view, "category", job.get("category"));
        putIfPresent(view, "object", job.get("object"));
        putIfPresent(view, "target_prompt", job.get("targetPrompt"));
        putIfPresent(view, "negative_prompt", job.get("negativePrompt"));
        putIfPresent(view, "engine", job.get("engine"));
        putIfPresent(view, "grounding", job.get("grounding"));
        if (job.containsKey("operation")) {
            view.put("operation", operation(job));
        }

        Map<String, String> transitions = new LinkedHashMap<>();
        for (JobState state : JobState.values()) {
            String at = job.get("at." + state.name());
            if (at != null) {
                transitions.put(state.name(), Instant.ofEpochMilli(Long.parseLong(at)).toString());
            }
        }
        view.put("transitions", transitions);
        view.put("stage_millis", byStage(job, "ms."));
        view.put("storage_millis", byStage(job, "io."));
        if (job.containsKey("reason")) {
            view.put("failure", Map.of("stage", job.getOrDefault("failureStage", ""),
                    "code", job.getOrDefault("failureCode", ""), "reason", job.get("reason")));
        }
        if (publishedResultKey(job) != null) {
            view.put("result_url", "/v1/edits/" + id + "/result");
            view.put("result_type", JobStore.resultType(job));
        }
        if (job.containsKey("maskKey")) {
            view.put("mask_url", "/v1/edits/" + id + "/mask");
        }
        putIfPresent(view, "webhook", job.get("webhook"));
        if (job.containsKey("batchId")) {
            view.put("batch_id", job.get("batchId"));
            view.put("batch_index", Integer.valueOf(job.get("batchIndex")));
        }
        return view;
    }

    /** Which tier and operation painted (or will paint) the job, with its parameters. */
    private static Map<String, Object> operation(Map<String, String> job) {
        Map<String, Object> operation = new LinkedHashMap<>();
        operation.put("tier", job.get("tier"));
        operation.put("name", job.get("operation"));
        Map<String, String> params = new TreeMap<>();
        job.forEach((field, value) -> {
            if (field.startsWith("param.")) {
                params.put(field.substring("param.".length()), value);
            }
        });
        operation.put("params", params);
        putIfPresent(operation, "note", job.get("operationNote"));
        return operation;
    }

    /**
     * The result's object key once the job SUCCEEDED, else null: a result painted for a job that was
     * canceled meanwhile is never shown.
     */
    static String publishedResultKey(Map<String, String> job) {
        return JobState.SUCCEEDED.name().equals(job.get("state")) ? job.get("resultKey") : null;
    }

    private static Map<String, Long> byStage(Map<String, String> job, String prefix) {
        Map<String, Long> values = new TreeMap<>();
        job.forEach((field, value) -> {
            if (field.startsWith(prefix)) {
                values.put(field.substring(prefix.length()), Long.parseLong(value));
            }
        });
        return values;
    }

    private static void putIfPresent(Map<String, Object> view, String name, Object value) {
        if (value != null) {
            view.put(name, value);
        }
    }
}
