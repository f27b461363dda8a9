package io.brushline.grounding.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.BrushlineConfig;
import io.brushline.common.imaging.ImageCodec;
import io.brushline.common.imaging.ResultFormat;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.DatasetCompleted;
import io.brushline.common.messages.DatasetItem;
import io.brushline.common.messages.DatasetSettings;
import io.brushline.common.messages.Detection;
import io.brushline.common.messages.EditJob;
import io.brushline.common.messages.Failure;
import io.brushline.common.messages.Hints;
import io.brushline.common.messages.ImageRef;
import io.brushline.common.messages.MaskRef;
import io.brushline.common.messages.SuppliedObject;
import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.IncomingRecords;
import io.brushline.common.stage.Retrying;
import io.brushline.common.stage.StageFailure;
import io.brushline.common.state.DatasetStore;
import io.brushline.common.state.JobStore;
import io.brushline.common.storage.MissingObjectException;
import io.brushline.common.storage.ObjectKeys;
import io.brushline.common.storage.ObjectStore;
import io.brushline.common.testing.InMemoryChannel;
import io.brushline.common.testing.RedisServerExtension;
import io.brushline.common.testing.TestConfig;
import io.brushline.grounding.DetectionOutcome;
import io.brushline.grounding.ObjectDetector;
import io.lettuce.core.api.sync.RedisCommands;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

/**
 * A dataset from survey to data card against a real redis-server, with object storage and channels in
 * memory and a detector that sees what each test tells it: each event counted once however often it
 * comes, the pair files and rows written, and the end announced when the last event is counted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatasetFlowTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final int W = 1000;
    private static final int H = 800;

    private static final Detection DOG = new Detection(new Box(100, 300, 300, 600), "dog", 0.91);
    private static final Detection VASE = new Detection(new Box(220, 50, 300, 150), "vase", 0.72);
    private static final Detection CAT = new Detection(new Box(320, 700, 330, 710), "cat", 0.55);
    private static final Detection CAR = new Detection(new Box(0, 0, 200, 150), "car", 0.8);
    private static final Detection CHAIR_1 = new Detection(new Box(50, 650, 130, 750), "chair", 0.6);
    /** A class the test detector does not know, as the offline detector does not know a butterfly. */
    private static final String UNKNOWN_CLASS = "butterfly";
    private static final Detection CHAIR_2 = new Detection(new Box(200, 650, 280, 750), "chair", 0.6);

    private final ObjectMapper json = new ObjectMapper().findAndRegisterModules();
    private RedisCommands<String, String> redis;
    private DatasetStore datasets;
    private JobStore jobs;
    private final Map<String, byte[]> stored = new ConcurrentHashMap<>();
    private final List<EditJob> removals = new CopyOnWriteArrayList<>();
    private final List<Message<?>> completions = new ArrayList<>();
    private final List<String> parked = new ArrayList<>();

    /** What the detector sees: every object of a source image, and what is left on a removal result. */
    private List<Detection> inTheImage = List.of();
    private List<Detection> onTheResult = List.of();
    /** Set: the detector fails as a crashed model would, on every call. */
    private RuntimeException detectorFailure;
    /** How often the survey ran the detector. */
    private int detectAnyCalls;
    /** How the survey words the add-back instructions. */
    private AddInstructionPhraser phraser = AddInstructionPhraser.TEMPLATES;

    private DatasetSurveyStage survey;
    /** A survey stage with the given dataset settings, sending its removals to {@link #removals}. */
    private Function<DatasetConfig, DatasetSurveyStage> surveyStage;
    private DatasetVerifyStage verify;
    private DatasetSweep sweep;
    private DatasetFinisher finisher;
    private long offset;

    @BeforeAll
    void build() {
        ImageCodec.init();
        redis = REDIS.client().connect().sync();
        BrushlineConfig config = config();
        datasets = new DatasetStore(redis, config);
        jobs = new JobStore(redis, config);
        ObjectStore storage = new ObjectStore(config) {
            @Override
            public void put(String key, byte[] bytes, String contentType) {
                stored.put(key, bytes.clone());
            }

            @Override
            public byte[] get(String key) {
                byte[] bytes = stored.get(key);
                if (bytes == null) {
                    throw new MissingObjectException("get " + key + ": no such object", null);
                }
                return bytes.clone();
            }
        };
        ObjectDetector detector = new ObjectDetector() {
            @Override
            public String lookedForAs(String phrase) {
                if (phrase.equals(UNKNOWN_CLASS)) {
                    throw new StageFailure(FailureCodes.UNKNOWN_OBJECT_CLASS, "the offline detector does not know '"
                            + phrase + "'");
                }
                return phrase.equals("puppy") ? "dog" : phrase;
            }

            @Override
            public DetectionOutcome detect(Mat image, String phrase) {
                lookedForAs(phrase);
                List<Detection> found = onTheResult.stream().filter(d -> d.label().equals(phrase)).toList();
                return new DetectionOutcome(found, found.stream().mapToDouble(Detection::score).max().orElse(0.1),
                        0.3, false);
            }

            @Override
            public DetectionOutcome detectAny(Mat image) {
                detectAnyCalls++;
                if (detectorFailure != null) {
                    throw detectorFailure;
                }
                return new DetectionOutcome(inTheImage, 0.9, 0.3, true);
            }
        };
        Retrying retrying = new Retrying(config);
        IncomingRecords incoming = new IncomingRecords(json, jobs, InMemoryChannel.of(message -> parked.add(
                new String(message.getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow().getHeaders()
                        .lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))));
        finisher = new DatasetFinisher(datasets, storage, json, InMemoryChannel.of(completions::add));
        surveyStage = settings -> new DatasetSurveyStage(detector, storage, datasets, jobs, incoming, retrying, json,
                finisher, InMemoryChannel.of(message -> removals.add((EditJob) message.getPayload())),
                (template, label) -> phraser.phrase(template, label), settings);
        survey = surveyStage.apply(TestConfig.mapping(DatasetConfig.class, Map.of()));
        verify = new DatasetVerifyStage(detector, storage, datasets, incoming, retrying, json, finisher);
        sweep = new DatasetSweep(datasets, finisher, TestConfig.mapping(DatasetConfig.class, Map.of()));
    }

    @BeforeEach
    void clean() {
        redis.flushall();
        stored.clear();
        removals.clear();
        completions.clear();
        parked.clear();
        detectorFailure = null;
        detectAnyCalls = 0;
        phraser = AddInstructionPhraser.TEMPLATES;
    }

    @Test
    void aDatasetFromSurveyToDataCard() throws Exception {
        dataset("ds1", 3, DatasetSettings.DEFAULTS);
        inTheImage = List.of(DOG, VASE, CAT, CAR, CHAIR_1, CHAIR_2);

        ConsumerRecord<String, String> image0 = requested(request("ds1", 0, png()));
        survey.consume(image0);

        List<String> ids = List.of(DatasetStore.removalJobId("ds1", 0, 0), DatasetStore.removalJobId("ds1", 0, 1));
        assertEquals(ids, removals.stream().map(EditJob::jobId).toList());
        EditJob dogRemoval = removals.get(0);
        assertEquals("remove the dog", dogRemoval.instruction());
        assertEquals(DOG.box(), dogRemoval.hints().box(), "the box is the hint: grounding does not search again");
        assertEquals(ObjectKeys.datasetSource("ds1", 0), dogRemoval.source().key());
        assertNull(dogRemoval.webhookUrl());
        assertEquals(ResultFormat.PNG, dogRemoval.resultFormat(), "a pair differs only where the object was");
        assertEquals(new DatasetItem("ds1", 0, 0, "dog", DOG.box(), 0.91, "add a dog to the left of the vase",
                null), dogRemoval.dataset());
        assertEquals("add a vase to the right of the car", removals.get(1).dataset().addInstruction());
        assertEquals("QUEUED", jobs.get(ids.get(0)).get("state"));
        assertEquals("ds1", jobs.get(ids.get(0)).get("datasetId"));

        Map<String, String> afterFirst = datasets.get("ds1");
        assertEquals("4", afterFirst.get("remaining"), "3 images, one surveyed, two removals queued");
        assertEquals("6", afterFirst.get("objects.found"));
        assertEquals("2", afterFirst.get("pairs.queued"));
        assertEquals("1", afterFirst.get("dropped.area_too_small"));
        assertEquals("1", afterFirst.get("dropped.touches_border"));
        assertEquals("2", afterFirst.get("dropped.ambiguous_instance"));

        // a redelivered survey sends the same removal jobs again and counts nothing twice
        survey.consume(image0);
        assertEquals(ids, removals.subList(2, 4).stream().map(EditJob::jobId).toList());
        assertEquals(afterFirst, datasets.get("ds1"));

        // an image the gateway could not fetch, and bytes that are no image
        survey.consume(requested(request("ds1", 1, null).withFailure(
                new Failure("submit", "image_unreachable", "the image URL answered 404"))));
        survey.consume(requested(request("ds1", 2, "not an image".getBytes(StandardCharsets.UTF_8))));
        Map<String, String> afterImages = datasets.get("ds1");
        assertEquals("2", afterImages.get("remaining"));
        assertEquals("2", afterImages.get("dropped.image_failed"));
        assertEquals("image_unreachable", json.readTree(afterImages.get("failed.1")).path("error").asText());
        JsonNode undecodable = json.readTree(afterImages.get("failed.2"));
        assertEquals("invalid_image", undecodable.path("error").asText());
        assertEquals("the dataset image 2 could not be decoded as an image", undecodable.path("message").asText());
        assertTrue(completions.isEmpty(), "not finished while removals are out");

        // the dog is gone from its result: kept; the vase is still there: dropped
        onTheResult = List.of(new Detection(new Box(700, 300, 800, 400), "dog", 0.9));
        verify.consume(removed(removedAsThePipelineWould(removals.get(0), 0.075)));
        assertEquals("1", datasets.get("ds1").get("pairs.kept"));
        onTheResult = List.of(new Detection(new Box(225, 60, 295, 150), "vase", 0.65));
        ConsumerRecord<String, String> last = removed(removedAsThePipelineWould(removals.get(1), 0.01));
        verify.consume(last);

        Map<String, String> done = datasets.get("ds1");
        assertEquals("0", done.get("remaining"));
        assertEquals("1", done.get("dropped.still_detected"));
        assertNotNull(done.get("completedAt"));
        assertEquals(1, completions.size(), "one dataset-completed event");
        assertEquals(new DatasetCompleted("ds1"), completions.get(0).getPayload());
        assertEquals("ds1", completions.get(0).getMetadata(OutgoingKafkaRecordMetadata.class).orElseThrow().getKey());

        String prefix = ObjectKeys.datasetPrefix("ds1");
        String[] lines = text(prefix + "metadata.jsonl").split("\n");
        assertEquals(1, lines.length, "one kept pair");
        JsonNode row = json.readTree(lines[0]);
        assertEquals("000000-00", row.path("pair").asText());
        assertEquals("add a dog to the left of the vase", row.path("instruction").asText());
        assertEquals("remove the dog", row.path("removal_instruction").asText());
        assertEquals("dog", row.path("label").asText());
        assertEquals(List.of(100, 300, 300, 600), json.convertValue(row.path("box"), List.class));
        assertEquals(0.0, row.path("verify_score").asDouble(), "the only dog left is elsewhere");
        assertEquals("images/000000-00-target.png", row.path("target_file_name").asText());
        for (String column : List.of("source_file_name", "target_file_name", "mask_file_name")) {
            assertTrue(stored.containsKey(prefix + row.path(column).asText()), column + " names a stored file");
        }
        assertTrue(Arrays.equals(stored.get(ObjectKeys.datasetSource("ds1", 0)),
                stored.get(prefix + "images/000000-00-target.png")), "the target is the original's bytes");
        assertTrue(Arrays.equals(stored.get(ObjectKeys.result(removals.get(0).jobId(), ResultFormat.PNG)),
                stored.get(prefix + "images/000000-00-source.png")), "the source is the removal's result");

        String card = text(prefix + "README.md");
        assertTrue(card.startsWith("---\n"), card);
        assertTrue(card.contains("| pairs kept | 1 |"), card);
        assertTrue(card.contains("| still_detected | 1 |"), card);
        assertTrue(card.contains("| image_failed | 2 |"), card);
        assertTrue(card.contains("| min_area | 0.005 |"), card);
        assertTrue(card.contains("load_dataset(\"imagefolder\", data_dir=\"ds1\""), card);

        // the last event again: nothing counted twice, the same files, the completion time kept
        Map<String, byte[]> files = new HashMap<>(stored);
        verify.consume(last);
        assertEquals(done, datasets.get("ds1"));
        assertEquals(2, completions.size(), "announced again: the notifier keeps one webhook per dataset");
        assertEquals(files.keySet(), stored.keySet());
        files.forEach((key, bytes) -> assertTrue(Arrays.equals(bytes, stored.get(key)), key));
        assertTrue(parked.isEmpty(), "parked: " + parked);
    }

    @Test
    void aRewordedInstructionIsThePairsInstructionAndItsTemplateIsKeptBesideIt() throws Exception {
        dataset("ds7", 1, DatasetSettings.DEFAULTS);
        inTheImage = List.of(DOG, VASE, CAT, CAR, CHAIR_1, CHAIR_2);
        // the dog's instruction is reworded, the vase's left as templated
        phraser = (template, label) -> label.equals("dog") ? "place a sleepy dog left of the vase" : template;

        survey.consume(requested(request("ds7", 0, png())));
        assertEquals(new DatasetItem("ds7", 0, 0, "dog", DOG.box(), 0.91, "place a sleepy dog left of the vase",
                "add a dog to the left of the vase"), removals.get(0).dataset());
        assertEquals("add a vase to the right of the car", removals.get(1).dataset().addInstruction());
        assertNull(removals.get(1).dataset().templateInstruction(), "no template beside an instruction that is one");

        // redelivered, the survey keeps the wording its removal jobs were created with
        phraser = (template, label) -> "put a dog somewhere else";
        survey.consume(requested(request("ds7", 0, png())));
        assertEquals(List.of(removals.get(0).dataset(), removals.get(1).dataset()),
                removals.subList(2, 4).stream().map(EditJob::dataset).toList());
        removals.subList(2, 4).clear();

        onTheResult = List.of();
        verify.consume(removed(removedAsThePipelineWould(removals.get(0), 0.075)));
        verify.consume(removed(removedAsThePipelineWould(removals.get(1), 0.01)));
        String[] lines = text(ObjectKeys.datasetPrefix("ds7") + "metadata.jsonl").split("\n");
        assertEquals(2, lines.length);
        JsonNode dogRow = json.readTree(lines[0]);
        assertEquals("place a sleepy dog left of the vase", dogRow.path("instruction").asText());
        assertEquals("add a dog to the left of the vase", dogRow.path("template_instruction").asText());
        JsonNode vaseRow = json.readTree(lines[1]);
        assertEquals("add a vase to the right of the car", vaseRow.path("instruction").asText());
        assertTrue(vaseRow.path("template_instruction").isMissingNode(), vaseRow.toString());
    }

    @Test
    void suppliedObjectsAreSurveyedInsteadOfTheDetectorsAndTheFiltersStillApply() throws Exception {
        dataset("ds6", 2, new DatasetSettings(List.of("dog", "sofa", "cup"), null, null, null, null, null, null,
                null, null));
        Detection sofa = new Detection(new Box(400, 200, 900, 700), "sofa", 1.0);
        Detection dog = new Detection(new Box(100, 300, 300, 600), "dog", 1.0);
        Detection lamp = new Detection(new Box(700, 50, 760, 150), "lamp", 1.0);
        Detection cup = new Detection(new Box(320, 700, 330, 710), "cup", 1.0);
        redis.hset("brushline:dataset:ds6", DatasetStore.suppliedObjectsField(0), json.writeValueAsString(
                Stream.of(dog, sofa, lamp, cup).map(d -> new SuppliedObject(d.label(), d.box(), null)).toList()));
        inTheImage = List.of(CAR);

        survey.consume(requested(request("ds6", 0, png())));

        assertEquals(0, detectAnyCalls, "the detector does not run on an image with supplied objects");
        // the lamp, dropped as a class not wanted, still says where the sofa was: anchors are the supplied objects
        assertEquals(List.of(
                new DatasetItem("ds6", 0, 0, "sofa", sofa.box(), 1.0, "add a sofa to the left of the lamp", null),
                new DatasetItem("ds6", 0, 1, "dog", dog.box(), 1.0, "add a dog to the left of the sofa", null)),
                removals.stream().map(EditJob::dataset).toList());
        assertEquals("remove the sofa", removals.get(0).instruction());
        assertEquals(sofa.box(), removals.get(0).hints().box());
        Map<String, String> counted = datasets.get("ds6");
        assertEquals("4", counted.get("objects.found"));
        assertEquals("1", counted.get("dropped.class_not_wanted"), "the lamp");
        assertEquals("1", counted.get("dropped.area_too_small"), "the cup");

        survey.consume(requested(request("ds6", 1, png())));
        assertEquals(1, detectAnyCalls, "an image without supplied objects is surveyed by the detector");
        assertEquals("5", datasets.get("ds6").get("objects.found"));
    }

    @Test
    void aSuppliedMaskGivesTheObjectItsBoxAndIsTheRemovalsMaskAndAnEmptyOneFailsItsImage() throws Exception {
        dataset("ds8", 2, DatasetSettings.DEFAULTS);
        String dogMask = ObjectKeys.datasetSuppliedMask("ds8", 0, 0);
        stored.put(dogMask, mask(new Box(100, 300, 300, 600)));
        String emptyMask = ObjectKeys.datasetSuppliedMask("ds8", 1, 0);
        stored.put(emptyMask, mask(null));
        redis.hset("brushline:dataset:ds8", DatasetStore.suppliedObjectsField(0), json.writeValueAsString(
                List.of(new SuppliedObject("dog", null, dogMask))));
        redis.hset("brushline:dataset:ds8", DatasetStore.suppliedObjectsField(1), json.writeValueAsString(
                List.of(new SuppliedObject("cat", null, emptyMask))));

        survey.consume(requested(request("ds8", 0, png())));
        survey.consume(requested(request("ds8", 1, png())));

        assertEquals(0, detectAnyCalls);
        assertEquals(1, removals.size());
        EditJob removal = removals.get(0);
        assertEquals(new Box(100, 300, 300, 600), removal.dataset().box(), "the box of the mask's white pixels");
        assertEquals(new Hints(new Box(100, 300, 300, 600), null, dogMask), removal.hints(),
                "the supplied mask is the removal's mask");
        JsonNode failure = json.readTree(datasets.get("ds8").get("failed.1"));
        assertEquals("invalid_hint", failure.path("error").asText());
        assertEquals("the mask of object 0 (cat) is empty: paint the object white", failure.path("message").asText());
    }

    @Test
    void aSuppliedObjectOfAClassTheDetectorDoesNotKnowIsKeptUnverified() throws Exception {
        dataset("ds9", 1, DatasetSettings.DEFAULTS);
        Box where = new Box(100, 300, 300, 600);
        redis.hset("brushline:dataset:ds9", DatasetStore.suppliedObjectsField(0), json.writeValueAsString(
                List.of(new SuppliedObject(UNKNOWN_CLASS, where, null), new SuppliedObject("dog",
                        new Box(500, 100, 700, 400), null), new SuppliedObject("puppy", new Box(750, 100, 950, 400),
                        null))));
        survey.consume(requested(request("ds9", 0, png())));
        assertEquals(3, removals.size());

        onTheResult = List.of();
        removals.forEach(removal -> verify.consume(removed(removedAsThePipelineWould(removal, 0.075))));

        Map<String, String> counted = datasets.get("ds9");
        assertEquals("3", counted.get("pairs.kept"));
        assertEquals("1", counted.get("pairs.unverified"));
        assertEquals(null, counted.get("dropped.verification_failed"));
        String[] lines = text(ObjectKeys.datasetPrefix("ds9") + "metadata.jsonl").split("\n");
        JsonNode butterfly = json.readTree(lines[0]);
        assertEquals(UNKNOWN_CLASS, butterfly.path("label").asText());
        assertFalse(butterfly.path("verified").asBoolean(true), butterfly.toString());
        assertTrue(butterfly.path("verify_score").isNull(), butterfly.toString());
        assertTrue(butterfly.path("verified_as").isNull(), butterfly.toString());
        JsonNode dog = json.readTree(lines[1]);
        assertTrue(dog.path("verified").asBoolean(false), dog.toString());
        assertEquals("dog", dog.path("verified_as").asText());
        assertEquals(0.0, dog.path("verify_score").asDouble(-1));
        JsonNode puppy = json.readTree(lines[2]);
        assertEquals("dog", puppy.path("verified_as").asText(), "looked for as the class it stands for");
        assertTrue(text(ObjectKeys.datasetPrefix("ds9") + "README.md").contains("| of them unverified | 1 |"));
    }

    @Test
    void aSurveyWaitsWhileItsDatasetHasTheMostRemovalsInFlightAndGoesOnWhenOneEnds() throws Exception {
        DatasetSurveyStage paced = surveyStage.apply(TestConfig.mapping(DatasetConfig.class, Map.of(
                "brushline.dataset.max-removals-in-flight", "2", "brushline.dataset.removals-poll", "20ms")));
        dataset("ds10", 2, DatasetSettings.DEFAULTS);
        inTheImage = List.of(DOG, VASE);
        paced.consume(requested(request("ds10", 0, png())));
        assertEquals(2, removals.size(), "image 0 queued two removals");

        CompletableFuture<Void> second = CompletableFuture.runAsync(
                () -> paced.consume(requested(request("ds10", 1, png()))));
        Thread.sleep(300);
        assertFalse(second.isDone(), "image 1 waits while two removals are in flight");
        assertEquals(2, removals.size());

        onTheResult = List.of();
        verify.consume(removed(removedAsThePipelineWould(removals.get(0), 0.075)));
        second.get(10, TimeUnit.SECONDS);
        assertEquals(4, removals.size(), "image 1 surveyed once a removal ended");
        assertEquals("2", datasets.get("ds10").get("images.surveyed"));

        // removals that never end hold a survey no longer than removals-wait-at-most
        DatasetSurveyStage impatient = surveyStage.apply(TestConfig.mapping(DatasetConfig.class, Map.of(
                "brushline.dataset.max-removals-in-flight", "1", "brushline.dataset.removals-poll", "20ms",
                "brushline.dataset.removals-wait-at-most", "200ms")));
        dataset("ds11", 2, DatasetSettings.DEFAULTS);
        impatient.consume(requested(request("ds11", 0, png())));
        impatient.consume(requested(request("ds11", 1, png())));
        assertEquals("2", datasets.get("ds11").get("images.surveyed"));
    }

    /** A mask of the test images' size, white inside {@code object} (all black when null). */
    private static byte[] mask(Box object) {
        Mat mask = Mat.zeros(H, W, CvType.CV_8UC1);
        try {
            if (object != null) {
                Imgproc.rectangle(mask, new org.opencv.core.Point(object.x1(), object.y1()),
                        new org.opencv.core.Point(object.x2() - 1, object.y2() - 1), new Scalar(255), -1);
            }
            return ImageCodec.encodePng(mask);
        } finally {
            mask.release();
        }
    }

    @Test
    void failedRemovalsAndMasksOfTheWrongSizeAreDroppedWithTheirReasons() throws Exception {
        DatasetSettings oneEach = new DatasetSettings(null, null, null, null, null, null, 5, null, null);
        dataset("ds2", 1, oneEach);
        Detection person = new Detection(new Box(500, 200, 700, 600), "person", 0.9);
        inTheImage = List.of(DOG, VASE, person);
        onTheResult = List.of();
        survey.consume(requested(request("ds2", 0, png())));
        assertEquals(3, removals.size());

        EditJob failed = removals.get(0).withFailure(new Failure("ground", "object_not_found", "no person found"));
        verify.consume(removed(failed));
        verify.consume(removed(removedAsThePipelineWould(removals.get(1), 0.9)));
        assertTrue(completions.isEmpty());
        verify.consume(removed(removedAsThePipelineWould(removals.get(2), 0.0001)));

        Map<String, String> done = datasets.get("ds2");
        assertEquals("0", done.get("remaining"));
        assertEquals("1", done.get("dropped.removal_failed"));
        assertEquals("2", done.get("dropped.mask_area"));
        assertEquals(null, done.get("pairs.kept"));
        assertEquals(1, completions.size());
        assertEquals("", text(ObjectKeys.datasetPrefix("ds2") + "metadata.jsonl"), "no pair kept");
        assertTrue(text(ObjectKeys.datasetPrefix("ds2") + "README.md").contains("| removal_failed | 1 |"));
    }

    @Test
    void anImageWithNothingToRemoveEndsTheDatasetAtItsSurvey() {
        dataset("ds3", 1, DatasetSettings.DEFAULTS);
        inTheImage = List.of(CAT, CAR);
        survey.consume(requested(request("ds3", 0, png())));

        assertTrue(removals.isEmpty());
        assertEquals("0", datasets.get("ds3").get("remaining"));
        assertEquals(1, completions.size());
        assertTrue(stored.containsKey(ObjectKeys.datasetPrefix("ds3") + "README.md"));
    }

    @Test
    void anImageWhoseSurveyKeepsFailingIsCountedAsFailedSoThatTheDatasetStillEnds() throws Exception {
        dataset("ds5", 1, DatasetSettings.DEFAULTS);
        detectorFailure = new IllegalStateException("model session closed");
        ConsumerRecord<String, String> record = requested(request("ds5", 0, png()));

        RuntimeException thrown = assertThrows(RuntimeException.class,
                () -> survey.consume(record), "rethrown, for the connector to park the record");
        assertEquals(detectorFailure, thrown);
        JsonNode failure = json.readTree(datasets.get("ds5").get("failed.0"));
        assertEquals("internal_error", failure.path("error").asText());
        assertTrue(failure.path("message").asText().contains("model session closed"), failure.toString());
        assertEquals("0", datasets.get("ds5").get("remaining"));
        assertEquals(1, completions.size());
    }

    @Test
    void aDatasetCountedToItsEndOutsideTheGroundingServiceIsFinishedByTheSweep() {
        dataset("ds6", 2, DatasetSettings.DEFAULTS);
        inTheImage = List.of(CAT);
        survey.consume(requested(request("ds6", 0, png())));
        // the gateway, cut short while Kafka was down, counts the image it could not send itself
        assertEquals(0, datasets.recordFailedImage("ds6", 1, "{\"error\":\"not_submitted\"}"));
        dataset("ds7", 1, DatasetSettings.DEFAULTS);
        survey.consume(requested(request("ds7", 0, png())));
        assertEquals(1, completions.size(), "ds7 was finished by its survey");
        completions.clear();

        sweep.sweep();
        assertTrue(completions.isEmpty(), "a dataset just counted to zero is left to whoever counted it");

        DatasetSweep noGrace = new DatasetSweep(datasets, finisher,
                TestConfig.mapping(DatasetConfig.class, Map.of("brushline.dataset.unfinished-grace", "0s")));
        sleepPast(Instant.now());
        noGrace.sweep();
        assertEquals(List.of(new DatasetCompleted("ds6")), completions.stream().map(Message::getPayload).toList());
        assertTrue(datasets.get("ds6").containsKey("completedAt"));
        assertTrue(text(ObjectKeys.datasetPrefix("ds6") + "README.md").contains("image_failed"));
        assertEquals("", text(ObjectKeys.datasetPrefix("ds6") + "metadata.jsonl"), "no pair kept");

        completions.clear();
        noGrace.sweep();
        assertTrue(completions.isEmpty(), "a finished dataset is not finished again");
    }

    /** Waits until the clock has moved past {@code instant} (a millisecond at most). */
    private static void sleepPast(Instant instant) {
        while (!Instant.now().isAfter(instant)) {
            Thread.onSpinWait();
        }
    }

    @Test
    void aRecordWithoutADatasetIsParked() {
        EditJob plain = request("ds4", 0, png()).withDataset(null);
        survey.consume(requested(plain));
        assertEquals(List.of("not a dataset message: the job ds4-0 names no dataset"), parked);
        assertTrue(removals.isEmpty());
    }

    private void dataset(String id, int images, DatasetSettings settings) {
        try {
            datasets.create(id, "acme", images, Map.of("settings", json.writeValueAsString(settings.withDefaults())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The gateway's survey request for image {@code image}, its bytes stored where the gateway puts them. */
    private EditJob request(String datasetId, int image, byte[] bytes) {
        String key = ObjectKeys.datasetSource(datasetId, image);
        if (bytes != null) {
            stored.put(key, bytes);
        }
        return new EditJob(EditJob.SCHEMA_VERSION, datasetId + "-" + image, "acme", 1, null, "2026-12-01T10:00:00Z",
                "", new ImageRef(key, "image/png", W, H), null, null, null, null, null, null, null, null)
                .withDataset(DatasetItem.survey(datasetId, image));
    }

    /** A removal as it comes back from the pipeline: mask and result stored under the job's keys. */
    private EditJob removedAsThePipelineWould(EditJob removal, double coverage) {
        stored.put(ObjectKeys.mask(removal.jobId()), png());
        stored.put(ObjectKeys.result(removal.jobId(), ResultFormat.PNG), png());
        return removal.withMask(new MaskRef(ObjectKeys.mask(removal.jobId()), 8, 4, coverage))
                .withResult(new ImageRef(ObjectKeys.result(removal.jobId(), ResultFormat.PNG), "image/png", W, H));
    }

    private ConsumerRecord<String, String> requested(EditJob job) {
        return record("dataset-requested", job);
    }

    private ConsumerRecord<String, String> removed(EditJob job) {
        return record("dataset-removed", job);
    }

    private ConsumerRecord<String, String> record(String topic, EditJob job) {
        try {
            return new ConsumerRecord<>(topic, 0, offset++, job.jobId(), json.writeValueAsString(job));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String text(String key) {
        assertTrue(stored.containsKey(key), key + " is stored");
        return new String(stored.get(key), StandardCharsets.UTF_8);
    }

    private static byte[] png() {
        Mat image = new Mat(H, W, CvType.CV_8UC3);
        try {
            image.setTo(new Scalar(40, 120, 200));
            return ImageCodec.encodePng(image);
        } finally {
            image.release();
        }
    }

    /** Jobs and datasets kept a day; one attempt per step, so a failure shows at once. */
    private static BrushlineConfig config() {
        Map<String, Object> settings = Map.ofEntries(Map.entry("jobTtl", Duration.ofDays(1)),
                Map.entry("maxAttempts", 1), Map.entry("initialBackoff", Duration.ofMillis(10)),
                Map.entry("maxBackoff", Duration.ofMillis(20)), Map.entry("maxRetryDuration", Duration.ofMillis(100)),
                Map.entry("endpoint", "http://127.0.0.1:9"), Map.entry("accessKey", "test"),
                Map.entry("secretKey", "test-secret"), Map.entry("bucket", "test"), Map.entry("region", "us-east-1"),
                Map.entry("presignTtl", Duration.ofMinutes(5)));
        Object section = Proxy.newProxyInstance(BrushlineConfig.class.getClassLoader(),
                new Class<?>[] {BrushlineConfig.Redis.class, BrushlineConfig.Stage.class, BrushlineConfig.Storage.class},
                (proxy, method, args) -> settings.get(method.getName()));
        return (BrushlineConfig) Proxy.newProxyInstance(BrushlineConfig.class.getClassLoader(),
                new Class<?>[] {BrushlineConfig.class}, (proxy, method, args) -> section);
    }

}
