package io.brushline.grounding.datasets;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.imaging.MatScope;
import io.brushline.common.imaging.ResultFormat;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.DatasetDrops;
import io.brushline.common.messages.DatasetItem;
import io.brushline.common.messages.Detection;
import io.brushline.common.messages.EditJob;
import io.brushline.common.messages.Hints;
import io.brushline.common.messages.SuppliedObject;
import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.FailureReasons;
import io.brushline.common.stage.IncomingRecords;
import io.brushline.common.stage.Retrying;
import io.brushline.common.stage.StageFailure;
import io.brushline.common.stage.StageProcessor;
import io.brushline.common.state.DatasetStore;
import io.brushline.common.state.JobStore;
import io.brushline.common.storage.MissingObjectException;
import io.brushline.common.storage.ObjectStore;
import io.brushline.grounding.ObjectDetector;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.opencv.core.Mat;
import org.opencv.core.Rect;
import org.opencv.imgproc.Imgproc;

/**
 * Step 2 of a dataset job, one image at a time: finds every object (the detector's all-objects mode, or
 * the objects the client supplied for the image, without running the detector), filters them
 * ({@link DatasetFilters}), counts the survey, and sends one REMOVE job per kept object into the normal
 * pipeline, with the object's box as hint and the instruction that adds it back.
 *
 * <p>The survey is counted before its removals are sent, so the dataset cannot reach its end while a
 * removal of this image is still to come. A redelivered record counts nothing again and sends the same
 * removal jobs (ids derived from dataset, image and object): the pipeline skips a job that has moved on.
 */
@ApplicationScoped
public class DatasetSurveyStage {

    private static final Logger LOG = Logger.getLogger(DatasetSurveyStage.class);

    static final String STAGE = "dataset survey";

    private final ObjectDetector detector;
    private final ObjectStore store;
    private final DatasetStore datasets;
    private final JobStore jobs;
    private final IncomingRecords incoming;
    private final Retrying retrying;
    private final ObjectMapper json;
    private final DatasetFinisher finisher;
    private final MutinyEmitter<EditJob> removals;
    private final AddInstructionPhraser phraser;
    private final DatasetConfig config;

    public DatasetSurveyStage(ObjectDetector detector, ObjectStore store, DatasetStore datasets, JobStore jobs,
            IncomingRecords incoming, Retrying retrying, ObjectMapper json, DatasetFinisher finisher,
            @Channel("edit-requested") MutinyEmitter<EditJob> removals, AddInstructionPhraser phraser,
            DatasetConfig config) {
        this.detector = detector;
        this.store = store;
        this.datasets = datasets;
        this.jobs = jobs;
        this.incoming = incoming;
        this.retrying = retrying;
        this.json = json;
        this.finisher = finisher;
        this.removals = removals;
        this.phraser = phraser;
        this.config = config;
    }

    @Incoming("dataset-requested")
    @Blocking(value = "dataset-survey", ordered = false)
    public void consume(ConsumerRecord<String, String> record) {
        String what = DatasetMessages.describe(STAGE, record);
        DatasetMessages.read(record, what, incoming, retrying).ifPresent(request -> {
            awaitRemovalsBelowLimit(request.dataset(), what);
            try {
                retrying.run(what, () -> survey(request));
            } catch (RuntimeException | Error e) {
                LOG.errorf(e, "%s could not be processed", what);
                giveUp(request, e);
                throw e;
            }
        });
    }

    /**
     * Holds the survey while its dataset has {@code brushline.dataset.max-removals-in-flight} removals
     * queued and not ended, for {@code removals-wait-at-most} at most. The record waits unacknowledged: a
     * service stopped meanwhile leaves it uncommitted (the pool refusing it is what the failure strategy
     * leaves for the next consumer).
     */
    private void awaitRemovalsBelowLimit(DatasetItem item, String what) {
        long deadline = System.nanoTime() + config.removalsWaitAtMost().toNanos();
        boolean told = false;
        while (retrying.run(what, () -> datasets.removalsInFlight(item.datasetId()))
                >= config.maxRemovalsInFlight()) {
            if (System.nanoTime() > deadline) {
                LOG.warnf("image %d of dataset %s waited %s for its dataset's removals; surveyed anyway",
                        item.image(), item.datasetId(), config.removalsWaitAtMost());
                return;
            }
            if (!told) {
                LOG.infof("image %d of dataset %s waits: %d removals of it in flight "
                        + "(brushline.dataset.max-removals-in-flight)", item.image(), item.datasetId(),
                        config.maxRemovalsInFlight());
                told = true;
            }
            try {
                Thread.sleep(config.removalsPoll().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RejectedExecutionException("the service stops while " + what + " waits for removals", e);
            }
        }
    }

    /** Surveys one image; every step is idempotent, so a retry starts from the top. */
    void survey(EditJob request) {
        DatasetItem item = request.dataset();
        if (request.failure() != null) {
            failedImage(item, request.failure().code(), request.failure().reason());
            return;
        }
        StoredDataset dataset = StoredDataset.load(datasets, json, item.datasetId()).orElse(null);
        if (dataset == null) {
            LOG.warnf("image %d of dataset %s: no such dataset (expired?), skipped", item.image(), item.datasetId());
            return;
        }
        int width;
        int height;
        Optional<List<SuppliedObject>> supplied = dataset.suppliedObjects(item.image(), json);
        List<Detection> found;
        // the supplied masks by the detection made of their object (identity: two objects may be equal)
        Map<Detection, String> masks = new IdentityHashMap<>();
        try (MatScope scope = new MatScope()) {
            // decoded even with supplied objects: an image that cannot be read fails as any other
            Mat image = scope.add(ImageCodec.decodeColor(store.get(request.source().key()),
                    "dataset image " + item.image()));
            width = image.cols();
            height = image.rows();
            found = supplied.isPresent() ? located(supplied.get(), width, height, masks)
                    : detector.detectAny(image).detections();
        } catch (StageFailure failure) {
            failedImage(item, failure.code(), failure.getMessage());
            return;
        } catch (MissingObjectException missing) {
            failedImage(item, FailureCodes.MISSING_IMAGE, "the image is no longer stored; submit the dataset again");
            return;
        }
        DatasetFilters.Survey survey = DatasetFilters.apply(width, height, found, dataset.settings());
        // An object too small to keep is too small to tell where another one was.
        List<Detection> anchors = survey.verdicts().stream()
                .filter(v -> !DatasetDrops.AREA_TOO_SMALL.equals(v.droppedReason()))
                .map(DatasetFilters.Verdict::detection).toList();
        List<EditJob> removalJobs = new ArrayList<>();
        for (int k = 0; k < survey.kept().size(); k++) {
            Detection kept = survey.kept().get(k);
            removalJobs.add(removal(request, k, kept, masks.get(kept), anchors, width));
        }
        long remaining = datasets.recordSurvey(item.datasetId(), item.image(), found.size(), removalJobs.size(),
                survey.dropped());
        for (EditJob removal : removalJobs) {
            jobs.create(removal);
            removals.sendMessageAndAwait(StageProcessor.keyed(removal));
        }
        LOG.infof("image %d of dataset %s: %d objects %s, %d sent for removal, dropped %s", item.image(),
                item.datasetId(), found.size(), supplied.isPresent() ? "supplied" : "found", removalJobs.size(),
                survey.dropped());
        finisher.finishIfLast(item.datasetId(), remaining);
    }

    /**
     * The supplied objects as detections of score 1 (the client is sure of them). An object with a mask
     * takes its box from the mask unless it came with one, and its mask goes into {@code masks}; a mask
     * that cannot be read, has another size than the image or is empty fails the image (invalid_hint).
     */
    private List<Detection> located(List<SuppliedObject> supplied, int width, int height,
            Map<Detection, String> masks) {
        List<Detection> located = new ArrayList<>();
        for (int k = 0; k < supplied.size(); k++) {
            SuppliedObject object = supplied.get(k);
            Box box = object.box();
            if (object.maskKey() != null) {
                String what = "mask of object " + k + " (" + object.label() + ")";
                try (MatScope scope = new MatScope()) {
                    Mat mask = scope.add(ImageCodec.decodeMask(store.get(object.maskKey()), what));
                    if (mask.cols() != width || mask.rows() != height) {
                        throw new StageFailure(FailureCodes.INVALID_HINT, "the " + what + " is " + mask.cols() + "x"
                                + mask.rows() + " but the image is " + width + "x" + height);
                    }
                    Rect drawn = Imgproc.boundingRect(mask);
                    if (drawn.area() == 0) {
                        throw new StageFailure(FailureCodes.INVALID_HINT, "the " + what
                                + " is empty: paint the object white");
                    }
                    box = box != null ? box : new Box(drawn.x, drawn.y, drawn.x + drawn.width, drawn.y + drawn.height);
                }
            }
            Detection detection = new Detection(box, object.label(), 1.0);
            located.add(detection);
            if (object.maskKey() != null) {
                masks.put(detection, object.maskKey());
            }
        }
        return located;
    }

    /**
     * The REMOVE job of kept object {@code k}: the box is the hint, so grounding does not search again,
     * and a supplied mask is the mask, so masking does not make one. The add-back instruction is the
     * template's, or its rewording with the template kept beside it.
     */
    private EditJob removal(EditJob request, int k, Detection object, String maskKey, List<Detection> anchors,
            int width) {
        DatasetItem item = request.dataset();
        String jobId = DatasetStore.removalJobId(item.datasetId(), item.image(), k);
        String template = AddInstructions.forObject(object, anchors, width);
        // A redelivered survey keeps the wording its removal job was created with: a model asked again
        // may word it differently, and the pair's row would then depend on which message came last.
        String addBack = jobs.submitted(jobId).map(EditJob::dataset).map(DatasetItem::addInstruction)
                .orElseGet(() -> phraser.phrase(template, object.label()));
        return new EditJob(EditJob.SCHEMA_VERSION, jobId,
                request.tenant(), 1, request.traceparent(), request.createdAt(), "remove the " + object.label(),
                request.source(), new Hints(object.box(), null, maskKey), null, null, null, null, null, null, null)
                .withDataset(new DatasetItem(item.datasetId(), item.image(), k, object.label(), object.box(),
                        object.score(), addBack, addBack.equals(template) ? null : template))
                // A pair must differ only where the object was: a lossy result would differ everywhere.
                .withResultFormat(ResultFormat.PNG);
    }

    private void failedImage(DatasetItem item, String code, String reason) {
        String failure = json.createObjectNode().put("error", code).put("message", reason).toString();
        long remaining = datasets.recordFailedImage(item.datasetId(), item.image(), failure);
        LOG.infof("image %d of dataset %s failed (%s): %s", item.image(), item.datasetId(), code, reason);
        finisher.finishIfLast(item.datasetId(), remaining);
    }

    /**
     * An image whose survey keeps failing is counted as failed, so that the dataset can still end; the
     * record, rethrown, is parked on the dead-letter topic by the connector.
     */
    private void giveUp(EditJob request, Throwable cause) {
        try {
            failedImage(request.dataset(), FailureCodes.INTERNAL, FailureReasons.internal(STAGE, cause));
        } catch (RuntimeException e) {
            LOG.errorf(e, "image %d of dataset %s could not be counted as failed either", request.dataset().image(),
                    request.dataset().datasetId());
        }
    }
}
