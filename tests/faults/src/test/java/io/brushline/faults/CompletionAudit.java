package io.brushline.faults;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.localstack.TopicReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the pipeline published as each job's outcome: every record on {@code edit-completed} and
 * {@code edit-failed}, per job. At-least-once delivery allows a job more than one completion record
 * (a stage that crashed after sending but before acknowledging runs again); they must all name the
 * same result, and a succeeded job must have no failure record.
 */
final class CompletionAudit {

    /** Per job: completion records, the distinct result keys they name, and failure records. */
    record Outcomes(Map<String, Integer> completedRecords, Map<String, Set<String>> resultKeys,
            Map<String, Integer> failedRecords) {

        int completed(String jobId) {
            return completedRecords.getOrDefault(jobId, 0);
        }

        int failed(String jobId) {
            return failedRecords.getOrDefault(jobId, 0);
        }

        Set<String> results(String jobId) {
            return resultKeys.getOrDefault(jobId, Set.of());
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private CompletionAudit() {
    }

    /** Reads both topics from the start to their end offsets as of this call. */
    static Outcomes read(String bootstrap) {
        Map<String, Integer> completed = new HashMap<>();
        Map<String, Set<String>> results = new HashMap<>();
        Map<String, Integer> failed = new HashMap<>();
        for (var record : TopicReader.readToEnd(bootstrap, List.of("edit-completed", "edit-failed"))) {
            if ("edit-failed".equals(record.topic())) {
                failed.merge(record.key(), 1, Integer::sum);
                continue;
            }
            completed.merge(record.key(), 1, Integer::sum);
            try {
                String resultKey = JSON.readTree(record.value()).path("result").path("key").asText();
                results.computeIfAbsent(record.key(), k -> new HashSet<>()).add(resultKey);
            } catch (IOException e) {
                throw new UncheckedIOException("edit-completed record is not JSON: " + record.value(), e);
            }
        }
        return new Outcomes(completed, results, failed);
    }
}
