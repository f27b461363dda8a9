package io.brushline.common.state;

import io.brushline.common.messages.DatasetDrops;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The counts of a dataset hash ({@link DatasetStore#get}) that are spread over one field per reason or
 * per image, read in one place so that the API, the webhook and the data card agree.
 *
 * @param dropped objects dropped, by reason, in name order
 * @param failedImages the failure JSON of each image that could not be used, by image index
 * @param pairsDropped queued pairs that the verification dropped ({@link DatasetDrops#VERIFICATION})
 */
public record DatasetCounts(SortedMap<String, Long> dropped, SortedMap<Integer, String> failedImages,
        long pairsDropped) {

    static final String DROPPED = "dropped.";
    static final String FAILED = "failed.";

    public static DatasetCounts of(Map<String, String> dataset) {
        TreeMap<String, Long> dropped = new TreeMap<>();
        TreeMap<Integer, String> failed = new TreeMap<>();
        dataset.forEach((field, value) -> {
            if (field.startsWith(DROPPED)) {
                dropped.put(field.substring(DROPPED.length()), Long.parseLong(value));
            } else if (field.startsWith(FAILED)) {
                failed.put(Integer.parseInt(field.substring(FAILED.length())), value);
            }
        });
        long pairsDropped = dropped.entrySet().stream().filter(e -> DatasetDrops.VERIFICATION.contains(e.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
        return new DatasetCounts(dropped, failed, pairsDropped);
    }
}
