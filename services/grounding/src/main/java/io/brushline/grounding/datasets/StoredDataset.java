package io.brushline.grounding.datasets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.messages.DatasetSettings;
import io.brushline.common.messages.SuppliedObject;
import io.brushline.common.state.DatasetStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A dataset's hash as the gateway created it, with its settings read once (defaults filled). */
record StoredDataset(String id, Map<String, String> hash, DatasetSettings settings) {

    /** The dataset, or empty when there is no such dataset (never created, or expired). */
    static Optional<StoredDataset> load(DatasetStore datasets, ObjectMapper json, String datasetId) {
        Map<String, String> hash = datasets.get(datasetId);
        if (hash.isEmpty()) {
            return Optional.empty();
        }
        String stored = hash.get("settings");
        try {
            DatasetSettings settings = stored == null ? DatasetSettings.DEFAULTS
                    : json.readValue(stored, DatasetSettings.class);
            return Optional.of(new StoredDataset(datasetId, hash, settings.withDefaults()));
        } catch (JsonProcessingException e) {
            // written by the gateway from validated settings: unreadable means a deployment mismatch
            throw new IllegalStateException("the settings of dataset " + datasetId + " cannot be read: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** The objects the client supplied for image {@code image}, or empty when the detector is to find them. */
    Optional<List<SuppliedObject>> suppliedObjects(int image, ObjectMapper json) {
        String stored = hash.get(DatasetStore.suppliedObjectsField(image));
        if (stored == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(List.of(json.readValue(stored, SuppliedObject[].class)));
        } catch (JsonProcessingException e) {
            // written by the gateway from checked objects: unreadable means a deployment mismatch
            throw new IllegalStateException("the objects supplied for image " + image + " of dataset " + id
                    + " cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    /** A counter of the hash, 0 when it was never incremented. */
    long count(String field) {
        return Long.parseLong(hash.getOrDefault(field, "0"));
    }
}
