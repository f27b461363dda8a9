package io.brushline.grounding.datasets;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.messages.DatasetCompleted;
import io.brushline.common.messages.DatasetSettings;
import io.brushline.common.state.DatasetCounts;
import io.brushline.common.state.DatasetStore;
import io.brushline.common.storage.ObjectKeys;
import io.brushline.common.storage.ObjectStore;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Ends a dataset once its last event is counted: writes {@code metadata.jsonl} (the kept pairs' rows,
 * in pair order) and the data card {@code README.md}, marks the dataset completed and announces it on
 * {@code dataset-completed}. Whoever sees the count reach zero calls it, and a redelivered last event
 * calls it again: the files are rewritten with the same content, the completion time stays the first,
 * and the notifier sends one webhook per dataset.
 */
@ApplicationScoped
public class DatasetFinisher {

    private static final Logger LOG = Logger.getLogger(DatasetFinisher.class);

    private final DatasetStore datasets;
    private final ObjectStore store;
    private final ObjectMapper json;
    private final MutinyEmitter<DatasetCompleted> completed;

    public DatasetFinisher(DatasetStore datasets, ObjectStore store, ObjectMapper json,
            @Channel("dataset-completed") MutinyEmitter<DatasetCompleted> completed) {
        this.datasets = datasets;
        this.store = store;
        this.json = json;
        this.completed = completed;
    }

    /** Finishes the dataset when {@code remaining}, the answer of the count just made, says nothing is left. */
    public void finishIfLast(String datasetId, long remaining) {
        if (remaining == 0) {
            finish(datasetId);
        }
    }

    public void finish(String datasetId) {
        StoredDataset dataset = StoredDataset.load(datasets, json, datasetId).orElse(null);
        if (dataset == null) {
            LOG.warnf("dataset %s is gone (expired?): nothing to finish", datasetId);
            return;
        }
        String prefix = ObjectKeys.datasetPrefix(datasetId);
        TreeMap<String, String> rows = datasets.rows(datasetId);
        StringBuilder metadata = new StringBuilder();
        rows.values().forEach(row -> metadata.append(row).append('\n'));
        store.put(prefix + "metadata.jsonl", metadata.toString().getBytes(StandardCharsets.UTF_8),
                "application/x-ndjson");
        store.put(prefix + "README.md", dataCard(dataset, rows.size()).getBytes(StandardCharsets.UTF_8),
                "text/markdown; charset=utf-8");
        datasets.markCompleted(datasetId, dataset.hash().get("tenant"));
        completed.sendMessageAndAwait(Message.of(new DatasetCompleted(datasetId))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(datasetId).build()));
        LOG.infof("dataset %s completed: %d pairs kept", datasetId, rows.size());
    }

    /**
     * The Hugging Face data card: YAML front matter the Hub reads, then what the pairs are, the counts,
     * the filters used and how to load the folder. Only stored values go in, so that writing it again
     * gives the same file.
     */
    static String dataCard(StoredDataset dataset, int pairs) {
        DatasetSettings s = dataset.settings();
        StringBuilder card = new StringBuilder();
        card.append("---\n")
                .append("pretty_name: Object addition pairs ").append(dataset.id()).append('\n')
                .append("task_categories:\n- image-to-image\n")
                .append("tags:\n- image-editing\n- inpainting\n- object-addition\n")
                .append("size_categories:\n- ").append(sizeCategory(pairs)).append('\n')
                .append("---\n\n")
                .append("# Object addition pairs `").append(dataset.id()).append("`\n\n")
                .append("Each row is one object of one photo. `source` is the photo with the object removed, ")
                .append("`target` the original photo, `mask` the region that was repainted, and `instruction` ")
                .append("says how to add the object back (\"add a dog next to the sofa\"): source and ")
                .append("instruction in, target out. `label`, `box` ([x1, y1, x2, y2] in pixels) and `score` ")
                .append("are the detector's (or the client's, score 1.0); `verify_score` is the detector's best ")
                .append("score for the object on `source`, `verified_as` the class it looked for, and `verified` ")
                .append("is false where it could not look for the object (a supplied object of a class it does ")
                .append("not know).\n\n")
                .append("## Counts\n\n")
                .append("| | |\n|---|---:|\n")
                .append("| images | ").append(dataset.hash().getOrDefault("images", "0")).append(" |\n")
                .append("| images surveyed | ").append(dataset.count("images.surveyed")).append(" |\n")
                .append("| objects found | ").append(dataset.count("objects.found")).append(" |\n")
                .append("| removals queued | ").append(dataset.count("pairs.queued")).append(" |\n")
                .append("| pairs kept | ").append(pairs).append(" |\n")
                .append("| of them unverified | ").append(dataset.count(DatasetStore.PAIRS_UNVERIFIED))
                .append(" |\n\n")
                .append("### Dropped, by reason\n\n");
        Map<String, Long> dropped = DatasetCounts.of(dataset.hash()).dropped();
        if (dropped.isEmpty()) {
            card.append("Nothing was dropped.\n\n");
        } else {
            card.append("| reason | count |\n|---|---:|\n");
            dropped.forEach((reason, count) -> card.append("| ").append(reason).append(" | ").append(count)
                    .append(" |\n"));
            card.append('\n');
        }
        card.append("## Filters\n\n")
                .append("| setting | value |\n|---|---|\n")
                .append("| classes | ").append(s.classes().isEmpty() ? "all" : String.join(", ", s.classes()))
                .append(" |\n")
                .append(row("min_area", s.minArea()))
                .append(row("max_area", s.maxArea()))
                .append(row("max_border_sides", s.maxBorderSides()))
                .append(row("max_overlap", s.maxOverlap()))
                .append(row("single_instance", s.singleInstance()))
                .append(row("max_objects_per_image", s.maxObjectsPerImage()))
                .append(row("verify_threshold", s.verifyThreshold()))
                .append('\n')
                .append("## Loading\n\n")
                .append("Download this folder (`metadata.jsonl`, `images/`), then:\n\n")
                .append("```python\n")
                .append("from datasets import load_dataset\n\n")
                .append("pairs = load_dataset(\"imagefolder\", data_dir=\"").append(dataset.id())
                .append("\", split=\"train\")\n")
                .append("pairs[0][\"source\"], pairs[0][\"instruction\"], pairs[0][\"target\"]\n")
                .append("```\n\n")
                .append("Every `*_file_name` column of `metadata.jsonl` is loaded as an image column named ")
                .append("without the suffix (`source`, `target`, `mask`).\n");
        return card.toString();
    }

    private static String row(String setting, Object value) {
        return "| " + setting + " | " + value + " |\n";
    }

    /** The Hub's size buckets. */
    static String sizeCategory(int pairs) {
        if (pairs < 1_000) {
            return "n<1K";
        }
        if (pairs < 10_000) {
            return "1K<n<10K";
        }
        if (pairs < 100_000) {
            return "10K<n<100K";
        }
        return "100K<n<1M";
    }
}
