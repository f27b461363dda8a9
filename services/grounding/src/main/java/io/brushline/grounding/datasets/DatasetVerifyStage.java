package io.brushline.grounding.datasets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.imaging.MatScope;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.DatasetDrops;
import io.brushline.common.messages.DatasetItem;
import io.brushline.common.messages.Detection;
import io.brushline.common.messages.EditJob;
import io.brushline.common.messages.MaskRef;
import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.IncomingRecords;
import io.brushline.common.stage.Retrying;
import io.brushline.common.stage.StageFailure;
import io.brushline.common.state.DatasetStore;
import io.brushline.common.storage.MissingObjectException;
import io.brushline.common.storage.ObjectKeys;
import io.brushline.common.storage.ObjectStore;
import io.brushline.grounding.ObjectDetector;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.opencv.core.Mat;

/**
 * Step 4 of a dataset job: a removal job has ended. A pair is kept when the removal succeeded, its mask
 * is of a plausible size and the detector no longer sees the object where it was; its three images go
 * under {@code datasets/<id>/images/} and its row is counted with the dataset. Anything else is counted
 * as dropped, with the reason. The pair's files are written before it is counted, so a counted pair
 * always has them; a redelivered event rewrites the same files and counts nothing again.
 */
@ApplicationScoped
public class DatasetVerifyStage {

    private static final Logger LOG = Logger.getLogger(DatasetVerifyStage.class);

    static final String STAGE = "dataset verification";

    /** A detection on the result is the removed object again when it overlaps the object's box this much. */
    static final double SAME_OBJECT_IOU = 0.3;

    private final ObjectDetector detector;
    private final ObjectStore store;
    private final DatasetStore datasets;
    private final IncomingRecords incoming;
    private final Retrying retrying;
    private final ObjectMapper json;
    private final DatasetFinisher finisher;

    public DatasetVerifyStage(ObjectDetector detector, ObjectStore store, DatasetStore datasets,
            IncomingRecords incoming, Retrying retrying, ObjectMapper json, DatasetFinisher finisher) {
        this.detector = detector;
        this.store = store;
        this.datasets = datasets;
        this.incoming = incoming;
        this.retrying = retrying;
        this.json = json;
        this.finisher = finisher;
    }

    @Incoming("dataset-removed")
    @Blocking(value = "dataset-verification", ordered = false)
    public void consume(ConsumerRecord<String, String> record) {
        String what = DatasetMessages.describe(STAGE, record);
        DatasetMessages.read(record, what, incoming, retrying).ifPresent(removal -> {
            try {
                retrying.run(what, () -> verify(removal));
            } catch (RuntimeException | Error e) {
                LOG.errorf(e, "%s could not be processed", what);
                giveUp(removal);
                throw e;
            }
        });
    }

    /** Verifies one ended removal; every step is idempotent, so a retry starts from the top. */
    void verify(EditJob removal) {
        DatasetItem item = removal.dataset();
        StoredDataset dataset = StoredDataset.load(datasets, json, item.datasetId()).orElse(null);
        if (dataset == null) {
            LOG.warnf("pair %s of dataset %s: no such dataset (expired?), skipped", item.pairName(),
                    item.datasetId());
            return;
        }
        if (removal.failure() != null) {
            drop(item, DatasetDrops.REMOVAL_FAILED, removal.failure().reason());
            return;
        }
        MaskRef mask = removal.mask();
        if (mask == null || removal.result() == null) {
            drop(item, DatasetDrops.REMOVAL_FAILED, "the removal ended without a mask or a result");
            return;
        }
        if (mask.coverage() < dataset.settings().minArea() || mask.coverage() > dataset.settings().maxArea()) {
            drop(item, DatasetDrops.MASK_AREA, String.format(Locale.ROOT, "the mask covers %.4f of the image",
                    mask.coverage()));
            return;
        }
        byte[] result;
        try {
            result = store.get(removal.result().key());
        } catch (MissingObjectException gone) {
            drop(item, DatasetDrops.VERIFICATION_FAILED, gone.getMessage());
            return;
        }
        Double verifyScore;
        String lookedForAs = null;
        try {
            lookedForAs = detector.lookedForAs(item.label());
            verifyScore = scoreWhereTheObjectWas(result, item);
        } catch (StageFailure failure) {
            if (!FailureCodes.UNKNOWN_OBJECT_CLASS.equals(failure.code())) {
                drop(item, DatasetDrops.VERIFICATION_FAILED, failure.getMessage());
                return;
            }
            // A supplied object of a class the detector does not know: the client said what and where it
            // is, the removal used that, and only the check after it cannot be made. Dropping it would drop
            // every object the detector does not know, the very reason to supply objects.
            verifyScore = null;
            lookedForAs = null;
        }
        if (verifyScore != null && verifyScore >= dataset.settings().verifyThreshold()) {
            drop(item, DatasetDrops.STILL_DETECTED, String.format(Locale.ROOT,
                    "the %s is still detected (score %.2f)", item.label(), verifyScore));
            return;
        }
        try {
            keep(removal, result, verifyScore, lookedForAs);
        } catch (MissingObjectException gone) {
            drop(item, DatasetDrops.VERIFICATION_FAILED, gone.getMessage());
        }
    }

    /**
     * The detector's best score for the object's class on the result, among detections that overlap the
     * object's box (IoU at least {@link #SAME_OBJECT_IOU}, or centre inside the box); 0 when there is none.
     * Another instance elsewhere in the picture does not count against the removal.
     */
    private double scoreWhereTheObjectWas(byte[] result, DatasetItem item) {
        try (MatScope scope = new MatScope()) {
            Mat image = scope.add(ImageCodec.decodeColor(result, "removal result"));
            return detector.detect(image, item.label()).detections().stream()
                    .filter(d -> overlaps(d.box(), item.box()))
                    .mapToDouble(Detection::score)
                    .max().orElse(0);
        }
    }

    static boolean overlaps(Box found, Box object) {
        double cx = (found.x1() + found.x2()) / 2.0;
        double cy = (found.y1() + found.y2()) / 2.0;
        boolean centreInside = cx >= object.x1() && cx < object.x2() && cy >= object.y1() && cy < object.y2();
        return centreInside || found.iou(object) >= SAME_OBJECT_IOU;
    }

    /**
     * Writes the pair's images (removal result, original, mask), then counts it with its row; a null
     * {@code verifyScore} is a pair the detector could not check ({@code "verified": false}), and
     * {@code lookedForAs} the class the detector looked for.
     */
    private void keep(EditJob removal, byte[] result, Double verifyScore, String lookedForAs) {
        DatasetItem item = removal.dataset();
        String pair = item.pairName();
        String prefix = ObjectKeys.datasetPrefix(item.datasetId());
        String source = "images/" + pair + "-source.png";
        String target = "images/" + pair + "-target." + extension(removal.source().contentType());
        String mask = "images/" + pair + "-mask.png";
        store.put(prefix + source, result, "image/png");
        store.put(prefix + target, store.get(removal.source().key()), removal.source().contentType());
        store.put(prefix + mask, store.get(removal.mask().key()), "image/png");
        ObjectNode row = json.createObjectNode()
                .put("source_file_name", source)
                .put("target_file_name", target)
                .put("mask_file_name", mask)
                .put("instruction", item.addInstruction());
        if (item.templateInstruction() != null) {
            row.put("template_instruction", item.templateInstruction());
        }
        row.put("label", item.label());
        row.putArray("box").add(item.box().x1()).add(item.box().y1()).add(item.box().x2()).add(item.box().y2());
        row.put("score", item.score())
                .put("verified", verifyScore != null)
                .put("verified_as", lookedForAs)
                .put("verify_score", verifyScore)
                .put("removal_instruction", removal.instruction())
                .put("image_index", item.image())
                .put("pair", pair);
        long remaining = verifyScore == null ? datasets.recordUnverifiedPair(item.datasetId(), pair, row.toString())
                : datasets.recordPair(item.datasetId(), pair, null, row.toString());
        LOG.infof("pair %s of dataset %s kept (%s)", pair, item.datasetId(), verifyScore == null
                ? "unverified: the detector does not know '" + item.label() + "'"
                : String.format(Locale.ROOT, "verify score %.2f", verifyScore));
        finisher.finishIfLast(item.datasetId(), remaining);
    }

    private void drop(DatasetItem item, String reason, String detail) {
        long remaining = datasets.recordPair(item.datasetId(), item.pairName(), reason, "");
        LOG.infof("pair %s of dataset %s dropped (%s): %s", item.pairName(), item.datasetId(), reason, detail);
        finisher.finishIfLast(item.datasetId(), remaining);
    }

    /** A pair whose verification keeps failing is dropped, so that the dataset can still end. */
    private void giveUp(EditJob removal) {
        try {
            drop(removal.dataset(), DatasetDrops.VERIFICATION_FAILED, "verification kept failing");
        } catch (RuntimeException e) {
            LOG.errorf(e, "pair %s of dataset %s could not be counted as dropped either",
                    removal.dataset().pairName(), removal.dataset().datasetId());
        }
    }

    /** The original's file extension, from its content type: "image/jpeg" is a .jpg. */
    static String extension(String contentType) {
        String subtype = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).replaceFirst(";.*", "")
                .replaceFirst("^image/", "").trim();
        return switch (subtype) {
            case "jpeg", "jpg", "pjpeg" -> "jpg";
            case "png", "webp", "bmp", "gif", "tiff" -> subtype;
            default -> "img";
        };
    }
}
