package io.brushline.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.DatasetItem;
import io.brushline.common.messages.DatasetSettings;
import io.brushline.common.messages.EditJob;
import io.brushline.common.messages.SuppliedObject;
import io.brushline.common.state.DatasetStore;
import io.brushline.common.state.JobStore;
import io.brushline.common.storage.ObjectKeys;
import io.brushline.common.testing.RedisServerExtension;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Dataset jobs at the gateway against a real redis-server: what is recorded and sent for an accepted
 * dataset, what a refused one says, idempotent resubmission, a submission cut short, the progress view
 * and the output files. Object storage is in memory and the Kafka emitters record what they are given.
 */
class DatasetServiceTest {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    /** Lenient about unknown names, as the application's mapper is: the filters must be strict by themselves. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ManifestFixture fixture;
    private RedisCommands<String, String> redis;
    private String base;
    private final BatchServiceTest.Recorder requested = new BatchServiceTest.Recorder();
    private final BatchServiceTest.Recorder editsSent = new BatchServiceTest.Recorder();
    private final BatchServiceTest.Limits limits = new BatchServiceTest.Limits();
    private JobStore jobs;
    private DatasetStore datasetStore;
    private EditService edits;
    private DatasetService datasets;
    private BatchServiceTest.MemoryStore storage;
    private TestConfig gateway;
    private byte[] photo;
    private byte[] otherPhoto;

    @BeforeEach
    void setUp() throws IOException {
        fixture = new ManifestFixture(REDIS);
        redis = fixture.redis;
        base = fixture.base;
        photo = fixture.photo;
        otherPhoto = HostileInputTest.corpus("valid.webp");
        gateway = fixture.gateway;
        jobs = fixture.jobs;
        storage = fixture.storage;
        datasetStore = new DatasetStore(redis, fixture.common);
        // As deployed: after a refused send the breaker stays open a while (at zero it would never hold one).
        gateway.resendFailuresEvery = Duration.ofMinutes(1);
        // One breaker for edit-failed and dataset-requested, as the application has one QueueBreaker.
        var breaker = new QueueBreaker(gateway);
        edits = new EditService(fixture.inspector, storage, jobs, gateway, editsSent.emitter(),
                new FailureOutbox(redis, jobs, JSON, editsSent.emitter(), breaker), fixture.policy);
        datasets = new DatasetService(edits, datasetStore, jobs, storage, fixture.manifestImages,
                fixture.inspector, redis, requested.emitter(), gateway, limits, JSON, breaker);
    }

    @AfterEach
    void tearDown() {
        fixture.stop();
    }

    private DatasetService.Request manifest(String body, String key) {
        return DatasetService.parseManifest("acme", body, key, JSON);
    }

    private List<EditJob> sentInOrder() {
        return requested.sent.stream().sorted(Comparator.comparing(job -> job.dataset().image())).toList();
    }

    // ---- an accepted dataset ----

    @Test
    void anAcceptedDatasetIsRecordedWithItsDefaultsAndEveryImageIsStoredAndSentOnce() throws Exception {
        String earlier = edits.submit(new EditService.Submission("acme", "sepia", otherPhoto, null, null, null, null,
                null)).jobId();

        var accepted = datasets.submit(manifest("""
                {"items": [{"image_url": "%1$s/photo"}, {"image_id": "%2$s"}],
                 "webhook_url": "%1$s/hook", "filters": {"classes": ["dog", "chair"], "min_area": 0.01}}"""
                .formatted(base, earlier), null));

        String id = accepted.datasetId();
        assertTrue(accepted.created());
        assertEquals(2, accepted.images());
        Map<String, String> hash = datasetStore.get(id);
        assertEquals("acme", hash.get("tenant"));
        assertEquals("2", hash.get("images"));
        assertEquals("2", hash.get("remaining"));
        assertEquals(base + "/hook", hash.get("webhookUrl"));
        DatasetSettings settings = JSON.readValue(hash.get("settings"), DatasetSettings.class);
        assertEquals(new DatasetSettings(List.of("dog", "chair"), 0.01, null, null, null, null, null, null, null)
                .withDefaults(), settings, "the client's filters, every other value at its default");
        assertEquals(DatasetSettings.DEFAULTS.maxArea(), settings.maxArea());

        List<EditJob> sent = sentInOrder();
        assertEquals(2, sent.size());
        for (int i = 0; i < 2; i++) {
            EditJob job = sent.get(i);
            assertEquals(id + "-" + i, job.jobId());
            assertEquals("acme", job.tenant());
            assertEquals(DatasetItem.SURVEY_INSTRUCTION, job.instruction());
            assertNull(job.failure());
            assertNull(job.webhookUrl(), "the dataset's webhook is the notifier's, not each survey's");
            assertEquals(DatasetItem.survey(id, i), job.dataset());
            assertEquals(ObjectKeys.datasetSource(id, i), job.source().key());
            assertTrue(job.source().width() > 1 && job.source().height() > 1, job.source().toString());
        }
        assertEquals("image/jpeg", sent.get(0).source().contentType());
        assertEquals("image/webp", sent.get(1).source().contentType());
        assertArrayEquals(photo, storage.get(ObjectKeys.datasetSource(id, 0)));
        assertArrayEquals(otherPhoto, storage.get(ObjectKeys.datasetSource(id, 1)));
    }

    @Test
    void aTenantRunsAtMostItsLimitOfDatasetsAndOneMoreIs429UntilOneCompletes() {
        limits.maxDatasetsInFlight = 2;
        String body = "{\"items\": [{\"image_url\": \"%s/photo\"}]}".formatted(base);
        String first = datasets.submit(manifest(body, null)).datasetId();
        datasets.submit(manifest(body, "key-2"));
        requested.sent.clear();

        var busy = assertThrows(ApiException.class, () -> datasets.submit(manifest(body, "key-3")));
        assertEquals(429, busy.status().getStatusCode());
        assertEquals("too_many_datasets", busy.code());
        assertEquals("you already have 2 datasets running (brushline.batch.max-datasets-in-flight-per-tenant); "
                + "submit this one when one of them has completed", busy.getMessage());
        assertEquals(List.of(), requested.sent, "nothing of the refused dataset was sent");
        assertTrue(datasets.submit(DatasetService.parseManifest("other", body, null, JSON)).created(),
                "another tenant's datasets are counted apart");

        datasetStore.markCompleted(first, "acme");
        var retried = datasets.submit(manifest(body, "key-3"));
        assertTrue(retried.created(), "the same key, once a slot is free, creates the dataset");
        assertEquals(1, requested.sent.stream().filter(job -> job.dataset().datasetId().equals(retried.datasetId()))
                .count());
    }

    @Test
    void uploadedFilesAreImagesInOrderAndTheirFiltersComeAsJsonText() {
        var accepted = datasets.submit(DatasetService.upload("acme", List.of(photo, otherPhoto),
                List.of("a.jpg", "b.webp"), null, "{\"max_objects_per_image\": 1}", null, JSON));

        assertEquals(2, accepted.images());
        assertEquals(List.of("image/jpeg", "image/webp"), sentInOrder().stream().map(j -> j.source().contentType())
                .toList());
        assertTrue(datasetStore.get(accepted.datasetId()).get("settings").contains("\"max_objects_per_image\":1"));
        var notJson = assertThrows(ApiException.class, () -> DatasetService.upload("acme", List.of(photo),
                List.of("a.jpg"), null, "{max_objects_per_image: 1", null, JSON));
        assertEquals("invalid_filters", notJson.code());
        assertTrue(notJson.getMessage().startsWith("filters is not valid JSON"), notJson.getMessage());
    }

    // ---- images under a prefix of the tenant's input area ----

    @Test
    void aPrefixTakesTheImagesUnderItInTheTenantsInputAreaInKeyOrder() throws Exception {
        storage.put("inputs/acme/photos/rooms/b.webp", otherPhoto, "image/webp");
        storage.put("inputs/acme/photos/rooms/a.JPG", photo, "image/jpeg");
        storage.put("inputs/acme/photos/rooms/kitchen/c.png", "not a picture".getBytes(StandardCharsets.UTF_8),
                "image/png");
        storage.put("inputs/acme/photos/rooms/notes.txt", photo, "text/plain");
        storage.put("inputs/acme/photos/garden/d.jpg", photo, "image/jpeg");
        storage.put("inputs/other/photos/rooms/e.jpg", photo, "image/jpeg");

        var accepted = datasets.submit(manifest("{\"prefix\": \"photos/rooms/\"}", null));

        String id = accepted.datasetId();
        assertEquals(3, accepted.images(), "the .txt, another folder and another tenant's photo are not taken");
        List<EditJob> sent = sentInOrder();
        assertArrayEquals(photo, storage.get(ObjectKeys.datasetSource(id, 0)), "a.JPG first: key order");
        assertArrayEquals(otherPhoto, storage.get(ObjectKeys.datasetSource(id, 1)));
        assertNull(sent.get(0).failure());
        assertEquals("image/webp", sent.get(1).source().contentType());
        assertEquals("invalid_image", sent.get(2).failure().code(), "an object that is no image fails alone");
        assertTrue(sent.get(2).failure().reason().contains("not an image"), sent.get(2).failure().reason());
        Map<String, Object> view = datasets.view(id, datasetStore.get(id));
        assertEquals("photos/rooms/", view.get("prefix"));
        assertEquals(3L, view.get("images"));
    }

    @Test
    void aPrefixThatCouldLeaveTheInputAreaIsRefusedAndSoAreItemsWithAPrefix() {
        for (String prefix : List.of("/photos/", "../other/photos/", "photos/../../jobs/", "photos//rooms/", "./",
                "photos\\\\rooms")) {
            var refused = assertThrows(ApiException.class, () -> manifest("{\"prefix\": \"" + prefix + "\"}", null),
                    prefix);
            assertEquals(400, refused.status().getStatusCode(), prefix);
            assertEquals("invalid_prefix", refused.code(), prefix);
            assertTrue(refused.getMessage().startsWith("'" + prefix.replace("\\\\", "\\")
                    + "' is not a prefix of your input area; give a relative one such as photos/rooms/"),
                    refused.getMessage());
        }
        var both = assertThrows(ApiException.class, () -> manifest("{\"prefix\": \"photos/\", \"items\": "
                + "[{\"image_url\": \"" + base + "/photo\"}]}", null));
        assertEquals("invalid_manifest", both.code());
        assertEquals("the manifest has both 'items' and 'prefix'; give one: the images as items, or the prefix of "
                + "your input area they are under", both.getMessage());
        storage.put("inputs/acme/x/a.jpg", photo, "image/jpeg");
        assertThrows(IllegalArgumentException.class, () -> datasets.submit(DatasetService.parseManifest("acme/x",
                "{\"prefix\": \"\"}", null, JSON)), "a tenant named acme/x would read acme's inputs under x/");
        assertEquals(List.of(), requested.sent);
    }

    @Test
    void aPrefixWithoutImagesIs400AndOneWithTooManySaysHowManyItFound() {
        storage.put("inputs/acme/photos/readme.md", photo, "text/markdown");
        storage.put("inputs/other/photos/a.jpg", photo, "image/jpeg");

        var empty = assertThrows(ApiException.class, () -> datasets.submit(manifest("{\"prefix\": \"photos/\"}",
                null)));
        assertEquals(400, empty.status().getStatusCode());
        assertEquals("empty_prefix", empty.code());
        assertEquals("there are no images under 'photos/' (inputs/acme/photos/ in the bucket); put .jpg, .jpeg, "
                + ".png or .webp files there first", empty.getMessage());

        limits.maxItems = 2;
        for (int i = 0; i < 3; i++) {
            storage.put("inputs/acme/photos/" + i + ".jpg", photo, "image/jpeg");
        }
        var tooMany = assertThrows(ApiException.class, () -> datasets.submit(manifest("{\"prefix\": \"\"}", null)));
        assertEquals(413, tooMany.status().getStatusCode());
        assertEquals("too_many_items", tooMany.code());
        assertEquals("there are 3 images under ''; the limit is 2 (brushline.batch.max-items); give a narrower "
                + "prefix", tooMany.getMessage());
        assertEquals(List.of(), requested.sent);
        assertEquals(List.of(), redis.keys("brushline:dataset:*"), "a dataset was recorded");
    }

    @Test
    void aRetryOfAPrefixSendsTheImagesAsListedFirstEvenIfObjectsWereAddedSince() {
        limits.submitConcurrency = 1;
        storage.put("inputs/acme/in/1.jpg", photo, "image/jpeg");
        storage.put("inputs/acme/in/2.webp", otherPhoto, "image/webp");
        requested.refuse = job -> job.dataset().image() == 1;
        var cut = assertThrows(CutShort.class, () -> datasets.submit(manifest("{\"prefix\": \"in/\"}", "k")));
        assertEquals(List.of(1), cut.indexes());

        storage.put("inputs/acme/in/0.jpg", "sorts first".getBytes(StandardCharsets.UTF_8), "image/jpeg");
        requested.refuse = job -> false;
        var retry = datasets.submit(manifest("{\"prefix\": \"in/\"}", "k"));

        assertEquals(cut.id(), retry.datasetId());
        assertEquals(2, retry.images());
        assertEquals(List.of(0, 1), sentInOrder().stream().map(job -> job.dataset().image()).toList());
        assertArrayEquals(otherPhoto, storage.get(ObjectKeys.datasetSource(cut.id(), 1)), "image 1 is still 2.webp");
    }

    // ---- objects supplied instead of detection ----

    @Test
    void suppliedObjectsAreStoredWithTheDatasetAndABoxOutsideTheImageFailsThatImageAlone() throws Exception {
        var size = fixture.inspector.inspect(photo, "image");
        String id = datasets.submit(manifest("""
                {"items": [
                  {"image_url": "%1$s/photo?0", "objects": [{"box": [10, 20, 50, 40.4], "label": "dog"},
                                                             {"label": " vase ", "box": [0, 0, 5, 5]}]},
                  {"image_url": "%1$s/photo?1", "objects": [{"box": [0, 0, %2$d, 10], "label": "cat"}]},
                  {"image_url": "%1$s/photo?2"}
                ]}""".formatted(base, size.width() + 1), null)).datasetId();

        Map<String, String> hash = datasetStore.get(id);
        assertEquals(List.of(new SuppliedObject("dog", new Box(10, 20, 50, 40), null),
                new SuppliedObject("vase", new Box(0, 0, 5, 5), null)),
                List.of(JSON.readValue(hash.get(DatasetStore.suppliedObjectsField(0)), SuppliedObject[].class)));
        assertFalse(hash.containsKey(DatasetStore.suppliedObjectsField(2)), "image 2 is left to the detector");
        List<EditJob> sent = sentInOrder();
        assertNull(sent.get(0).failure());
        assertEquals("invalid_hint", sent.get(1).failure().code());
        assertEquals("object 0 (cat): box [0, 0, " + (size.width() + 1) + ", 10] is outside the " + size.width()
                + "x" + size.height() + " image", sent.get(1).failure().reason());
        assertFalse(storage.objects.containsKey(ObjectKeys.datasetSource(id, 1)), "nothing usable was stored");
        assertNull(sent.get(2).failure());
    }

    @Test
    void objectsOfTheWrongShapeRefuseTheManifestNamingEachItem() {
        String many = String.join(", ", Collections.nCopies(21, "{\"box\": [1, 1, 9, 9], \"label\": \"cup\"}"));
        var refused = assertThrows(ManifestImages.InvalidItems.class, () -> datasets.submit(manifest("""
                {"items": [
                  {"image_url": "%1$s/photo?0", "objects": [{"box": [1, 1, 9, 9]}]},
                  {"image_url": "%1$s/photo?1", "objects": [{"box": [1, 1, 9], "label": "dog"}]},
                  {"image_url": "%1$s/photo?2", "objects": [{"box": [9, 1, 1, 9], "label": "dog"}]},
                  {"image_url": "%1$s/photo?3", "objects": [{"box": [1, 1, 9, 9], "label": "dog", "score": 0.5}]},
                  {"image_url": "%1$s/photo?4", "objects": []},
                  {"image_url": "%1$s/photo?5", "objects": [%2$s]},
                  {"image_url": "%1$s/photo?6", "objects": [{"box": [1, 1, 9, 9], "label": "dog"}]}
                ]}""".formatted(base, many), null)));

        assertEquals(List.of(0, 1, 2, 3, 4, 5), refused.errors().stream().map(ManifestImages.ItemError::index)
                .toList());
        assertTrue(refused.errors().stream().allMatch(e -> e.code().equals("invalid_hint")), refused.getMessage());
        assertEquals(List.of("object 0 has no 'label': say what it is, such as \"dog\"",
                "object 0's 'box' must be four numbers [x1, y1, x2, y2] in pixels of the image",
                "object 0's box [9,1,1,9] is empty or has a negative corner; give [x1, y1, x2, y2] with x1 < x2 and "
                        + "y1 < y2",
                "object 0 has 'score'; an object takes only 'label', 'box' and 'mask_url'",
                "'objects' must be a list of 1 to 20 objects such as " + EXAMPLE
                        + " (leave it out for the detector to find the objects)",
                "'objects' must be a list of 1 to 20 objects such as " + EXAMPLE
                        + "; it has 21 (leave it out for the detector to find the objects)"),
                refused.errors().stream().map(ManifestImages.ItemError::message).toList());
        assertEquals(List.of(), requested.sent);
    }

    private static final String EXAMPLE = "{\"box\": [x1, y1, x2, y2], \"label\": \"dog\"} or {\"mask_url\": "
            + "\"https://...\", \"label\": \"dog\"}";

    @Test
    void aSuppliedMaskIsFetchedAndStoredForTheSurveyAndAMaskThatCannotBeUsedFailsItsImageAlone() throws Exception {
        var size = fixture.inspector.inspect(photo, "image");
        String id = datasets.submit(manifest("""
                {"items": [
                  {"image_url": "%1$s/photo?0", "objects": [{"mask_url": "%1$s/mask", "label": "dog"},
                                                             {"label": "cup", "box": [1, 2, 3, 4], "mask_url": "%1$s/mask?b"}]},
                  {"image_url": "%1$s/photo?1", "objects": [{"mask_url": "%1$s/small-mask", "label": "cat"}]},
                  {"image_url": "%1$s/photo?2", "objects": [{"mask_url": "%1$s/gone", "label": "cat"}]}
                ]}""".formatted(base), null)).datasetId();

        assertEquals(List.of(new SuppliedObject("dog", null, ObjectKeys.datasetSuppliedMask(id, 0, 0)),
                new SuppliedObject("cup", new Box(1, 2, 3, 4), ObjectKeys.datasetSuppliedMask(id, 0, 1))),
                List.of(JSON.readValue(datasetStore.get(id).get(DatasetStore.suppliedObjectsField(0)),
                        SuppliedObject[].class)));
        assertArrayEquals(fixture.mask, storage.get(ObjectKeys.datasetSuppliedMask(id, 0, 0)), "stored as fetched");
        assertArrayEquals(fixture.mask, storage.get(ObjectKeys.datasetSuppliedMask(id, 0, 1)));
        List<EditJob> sent = sentInOrder();
        assertNull(sent.get(0).failure());
        assertEquals("invalid_hint", sent.get(1).failure().code());
        assertEquals("the mask_url of object 0 (cat) is 4x4 but the image is " + size.width() + "x" + size.height()
                + "; they must match", sent.get(1).failure().reason());
        assertEquals("invalid_image_url", sent.get(2).failure().code());
        assertEquals("could not fetch mask_url of object 0 (cat): the server answered HTTP 404",
                sent.get(2).failure().reason());
        assertFalse(storage.objects.containsKey(ObjectKeys.datasetSource(id, 1)), "nothing usable was stored");
    }

    @Test
    void aMaskUrlThatMayNotBeFetchedOrAnObjectWithoutBoxOrMaskRefusesTheManifest() {
        var refused = assertThrows(ManifestImages.InvalidItems.class, () -> datasets.submit(manifest("""
                {"items": [
                  {"image_url": "%1$s/photo?0", "objects": [{"mask_url": "file:///etc/passwd", "label": "dog"}]},
                  {"image_url": "%1$s/photo?1", "objects": [{"label": "dog"}]},
                  {"image_url": "%1$s/photo?2", "objects": [{"label": "dog", "mask_url": 7}]}
                ]}""".formatted(base), null)));

        assertEquals(List.of("invalid_image_url", "invalid_hint", "invalid_hint"),
                refused.errors().stream().map(ManifestImages.ItemError::code).toList());
        assertTrue(refused.errors().get(0).message().startsWith("mask_url of object 0 (dog) refused: "),
                refused.errors().get(0).message());
        assertEquals(List.of("object 0 has neither 'box' nor 'mask_url': give where the object is",
                "object 0's 'mask_url' must be the URL of a mask image (white where the object is)"),
                refused.errors().subList(1, 3).stream().map(ManifestImages.ItemError::message).toList());
        assertEquals(List.of(), requested.sent);
    }

    // ---- what a refused dataset says ----

    @Test
    void aManifestWithBadImagesIsRefusedNamingEachItemAndNothingIsRecordedOrSent() {
        String other = edits.submit(new EditService.Submission("other", "sepia", photo, null, null, null, null, null))
                .jobId();
        var refused = assertThrows(ManifestImages.InvalidItems.class, () -> datasets.submit(manifest("""
                {"items": [
                  {"image_url": "%1$s/photo"},
                  {"image_url": "ht tp://broken url"},
                  {"image_url": "%1$s/photo"},
                  {"image_id": "no-such-job"},
                  {"image_id": "%2$s"},
                  {}
                ]}""".formatted(base, other), null)));

        assertEquals(422, refused.status().getStatusCode());
        assertEquals(List.of(1, 2, 3, 4, 5), refused.errors().stream().map(ManifestImages.ItemError::index).toList());
        assertEquals(List.of("invalid_image_url", "duplicate_item", "unknown_image_id", "unknown_image_id",
                "invalid_image"), refused.errors().stream().map(ManifestImages.ItemError::code).toList());
        assertTrue(refused.getMessage().startsWith("5 items of the dataset are invalid; nothing was submitted: "
                + "item 1: image_url refused"), refused.getMessage());
        assertEquals("it repeats item 0 (the same image); remove one of them", refused.errors().get(1).message());
        for (var error : refused.errors()) {
            assertFalse(error.message().matches("(?s).*(Exception|java\\.|io\\.brushline).*"), error.message());
        }
        assertEquals(List.of(), requested.sent);
        assertEquals(List.of(), redis.keys("brushline:dataset:*"), "a dataset was recorded");
    }

    @Test
    void anItemWithAnInstructionIsRefusedForSayingWhatADatasetDoesNotTake() {
        var refused = assertThrows(ApiException.class, () -> manifest("""
                {"items": [{"image_url": "%s/photo", "instruction": "remove the dog"}]}""".formatted(base), null));

        assertEquals(400, refused.status().getStatusCode());
        assertEquals("invalid_manifest", refused.code());
        assertEquals("item 0 has 'instruction', which a dataset does not take (item 0 may have 'image_id', "
                + "'image_url', 'objects'); a dataset needs no instruction", refused.getMessage());
    }

    @Test
    void moreImagesThanTheBatchLimitAre413WithTheLimitInWords() {
        limits.maxItems = 2;

        var refused = assertThrows(ApiException.class, () -> datasets.submit(manifest("""
                {"items": [{"image_url": "%1$s/photo?1"}, {"image_url": "%1$s/photo?2"},
                           {"image_url": "%1$s/photo?3"}]}""".formatted(base), null)));

        assertEquals(413, refused.status().getStatusCode());
        assertEquals("too_many_items", refused.code());
        assertEquals("the dataset has 3 images; the limit is 2 (brushline.batch.max-items); split it into several "
                + "datasets", refused.getMessage());
        assertEquals(List.of(), requested.sent);
    }

    @Test
    void invalidFiltersAre400SayingWhatIsWrong() {
        Map<String, String> cases = Map.of(
                "{\"min_size\": 0.1}", "unknown filter 'min_size'; the filters are classes, min_area, max_area, "
                        + "max_border_sides, max_overlap, single_instance, max_objects_per_image, verify_threshold, min_score",
                "{\"max_objects_per_image\": 2.5}", "filter 'max_objects_per_image' must be a whole number",
                "{\"single_instance\": [1]}", "filter 'single_instance' must be true or false",
                "{\"min_area\": 0.5, \"max_area\": 0.2}", "invalid filters: min_area and max_area must satisfy "
                        + "0 <= min_area < max_area <= 1 (fractions of the image)",
                "[\"dog\"]", "filters must be a JSON object such as {\"classes\": [\"dog\", \"chair\"], "
                        + "\"min_area\": 0.01}");
        cases.forEach((filters, message) -> {
            var refused = assertThrows(ApiException.class, () -> manifest("{\"items\": [{\"image_url\": \"" + base
                    + "/photo\"}], \"filters\": " + filters + "}", null), filters);
            assertEquals(400, refused.status().getStatusCode(), filters);
            assertEquals("invalid_filters", refused.code(), filters);
            assertEquals(message, refused.getMessage(), filters);
        });
    }

    // ---- images that fail once fetched ----

    @Test
    void anImageThatFailsOnceFetchedIsSentWithItsFailureWhereItWouldHaveBeen() {
        String id = datasets.submit(manifest("""
                {"items": [{"image_url": "%1$s/photo"}, {"image_url": "%1$s/gone"},
                           {"image_url": "%1$s/notes.txt"}]}""".formatted(base), null)).datasetId();

        List<EditJob> sent = sentInOrder();
        assertEquals(3, sent.size(), "every image is sent, failed or not");
        assertNull(sent.get(0).failure());
        EditJob gone = sent.get(1);
        assertEquals("submit", gone.failure().stage());
        assertEquals("invalid_image_url", gone.failure().code());
        assertEquals("could not fetch image_url: the server answered HTTP 404", gone.failure().reason());
        assertEquals(ObjectKeys.datasetSource(id, 1), gone.source().key());
        assertEquals(DatasetItem.survey(id, 1), gone.dataset());
        assertEquals("invalid_image", sent.get(2).failure().code());
        assertTrue(sent.get(2).failure().reason().contains("not an image"), sent.get(2).failure().reason());
        assertFalse(storage.objects.containsKey(ObjectKeys.datasetSource(id, 1)), "nothing usable was stored");
    }

    // ---- idempotency and submissions cut short ----

    @Test
    void theSameIdempotencyKeyAnswersTheSameDatasetAndADifferentRequestUnderItIs422() {
        String body = "{\"items\": [{\"image_url\": \"" + base + "/photo\"}]}";
        var first = datasets.submit(manifest(body, "key-1"));
        var again = datasets.submit(manifest(body, "key-1"));

        assertEquals(first.datasetId(), again.datasetId());
        assertTrue(first.created());
        assertFalse(again.created());
        assertEquals(1, requested.sent.size(), "the image was sent once");
        var reused = assertThrows(ApiException.class, () -> datasets.submit(manifest(
                "{\"items\": [{\"image_url\": \"" + base + "/photo?other\"}]}", "key-1")));
        assertEquals(422, reused.status().getStatusCode());
        assertEquals("idempotency_key_reused", reused.code());
        assertTrue(reused.getMessage().contains(first.datasetId()), reused.getMessage());
        assertNotEquals(first.datasetId(), datasets.submit(manifest(body, "key-2")).datasetId());
    }

    @Test
    void aSubmissionCutShortNamesTheImagesNotSentAndTheRetryWithTheKeySendsExactlyThose() {
        limits.submitConcurrency = 1;
        requested.refuse = job -> job.dataset().image() == 1;
        String body = """
                {"items": [{"image_url": "%1$s/photo?0"}, {"image_url": "%1$s/photo?1"},
                           {"image_url": "%1$s/photo?2"}]}""".formatted(base);

        var cut = assertThrows(CutShort.class, () -> datasets.submit(manifest(body, "k")));

        assertEquals(503, cut.status().getStatusCode());
        assertEquals(List.of(1, 2), cut.indexes());
        assertTrue(cut.getMessage().startsWith("dataset " + cut.id() + " was not fully submitted (the job "
                + "queue is unreachable right now): 2 of 3 images were not sent (1, 2); retry with the same "
                + "Idempotency-Key to send them"), cut.getMessage());
        assertEquals(List.of(0), requested.sent.stream().map(job -> job.dataset().image()).toList());

        requested.refuse = job -> false;
        var retry = datasets.submit(manifest(body, "k"));

        assertEquals(cut.id(), retry.datasetId());
        assertEquals(List.of(0, 1, 2), sentInOrder().stream().map(job -> job.dataset().image()).toList(),
                "each image sent exactly once over both calls");
        assertEquals("3", datasetStore.get(retry.datasetId()).get("remaining"));
    }

    @Test
    void withoutAKeyTheImagesNotSentAreCountedAsFailedSoTheDatasetStillCompletes() {
        limits.submitConcurrency = 1;
        requested.refuse = job -> job.dataset().image() == 1;

        var cut = assertThrows(CutShort.class, () -> datasets.submit(manifest("""
                {"items": [{"image_url": "%1$s/photo?0"}, {"image_url": "%1$s/photo?1"}]}""".formatted(base), null)));

        assertEquals(List.of(1), cut.indexes());
        assertTrue(cut.getMessage().contains("They are counted as failed images (not_submitted)"), cut.getMessage());
        Map<String, String> hash = datasetStore.get(cut.id());
        assertEquals("1", hash.get("remaining"), "only image 0's survey is awaited");
        assertTrue(hash.get("failed.1").contains("\"error\":\"not_submitted\""), hash.get("failed.1"));
    }

    @Test
    void withoutAKeyAndTheQueueDownTheQueueIsNotTriedOncePerImage() {
        limits.submitConcurrency = 1;
        requested.refuse = job -> true;

        var cut = assertThrows(CutShort.class, () -> datasets.submit(manifest("""
                {"items": [{"image_url": "%1$s/photo?0"}, {"image_url": "%1$s/photo?1"},
                           {"image_url": "%1$s/photo?2"}]}""".formatted(base), null)));

        assertEquals(List.of(0, 1, 2), cut.indexes());
        assertEquals(2, requested.attempts.get(), "image 0's survey and its failure were tried, the others not: "
                + "each try waits for the queue's timeout (10 s) when it is down");
        Map<String, String> hash = datasetStore.get(cut.id());
        for (int image = 0; image < 3; image++) {
            assertTrue(hash.get("failed." + image).contains("\"error\":\"not_submitted\""), hash.toString());
        }
        assertEquals("0", hash.get("remaining"));
    }

    @Test
    void afterEditFailedRefusedASendADatasetCutShortCountsItsImagesWithoutTryingTheQueue() {
        limits.submitConcurrency = 1;
        editsSent.refuse = job -> true;
        var refused = assertThrows(ApiException.class, () -> edits.failAs("job-1", "acme", "sepia", null,
                "invalid_image", "the image is damaged", Map.of()));
        assertEquals(503, refused.status().getStatusCode());
        // only image 1's survey is refused: its not_submitted record would be taken if it were tried
        requested.refuse = job -> job.dataset().image() == 1 && job.failure() == null;

        var cut = assertThrows(CutShort.class, () -> datasets.submit(manifest("""
                {"items": [{"image_url": "%1$s/photo?0"}, {"image_url": "%1$s/photo?1"}]}""".formatted(base), null)));

        assertEquals(List.of(1), cut.indexes());
        assertEquals(2, requested.attempts.get(), "both surveys were tried, image 1's failure not: the breaker "
                + "that edit-failed's refusal opened holds the dataset's records too");
        assertEquals(List.of(0), requested.sent.stream().map(job -> job.dataset().image()).toList());
        Map<String, String> hash = datasetStore.get(cut.id());
        assertTrue(hash.get("failed.1").contains("\"error\":\"not_submitted\""), hash.toString());
        assertEquals("1", hash.get("remaining"), "image 1 was counted at the gateway; only image 0's survey is "
                + "awaited");
    }

    @Test
    void withoutAKeyAndStorageDownTheImagesAreSentAsNotSubmittedForTheSurveyToCount() {
        storage.down = true;

        var cut = assertThrows(CutShort.class, () -> datasets.submit(manifest("""
                {"items": [{"image_url": "%1$s/photo?0"}, {"image_url": "%1$s/photo?1"}]}""".formatted(base), null)));

        assertEquals(List.of(0, 1), cut.indexes());
        List<EditJob> sent = sentInOrder();
        assertEquals(List.of(0, 1), sent.stream().map(job -> job.dataset().image()).toList());
        for (EditJob job : sent) {
            assertEquals("not_submitted", job.failure().code());
            assertTrue(job.failure().reason().startsWith("the dataset's submission was cut short before this image "
                    + "was sent (storage or the queue is unreachable right now)"), job.failure().reason());
        }
        assertEquals("2", datasetStore.get(cut.id()).get("remaining"), "the survey counts them, not the gateway");
    }

    // ---- progress ----

    @Test
    void theViewShowsCountsDropsFailuresRateAndEta() {
        datasetStore.create("d1", "acme", 4, Map.of("settings", "{\"min_area\":0.005}", "webhookUrl", "http://h"));
        datasetStore.recordSurvey("d1", 0, 5, 3, Map.of("area_too_small", 2));
        datasetStore.recordSurvey("d1", 1, 2, 1, Map.of("touches_border", 1));
        datasetStore.recordPair("d1", "000000-00", null, "{}");
        datasetStore.recordPair("d1", "000000-01", null, "{}");
        datasetStore.recordPair("d1", "000001-00", "still_detected", "");
        datasetStore.recordFailedImage("d1", 2, "{\"error\":\"invalid_image\",\"message\":\"the image is damaged\"}");
        Map<String, String> hash = datasetStore.get("d1");
        Instant created = Instant.parse(hash.get("createdAt"));

        Map<String, Object> view = DatasetView.of("d1", hash, created.plusSeconds(120), JSON);

        assertEquals("running", view.get("state"));
        assertEquals(4L, view.get("images"));
        assertEquals(3L, view.get("images_surveyed"), "a failed image counts as surveyed");
        assertEquals(7L, view.get("objects_found"));
        assertEquals(4L, view.get("pairs_queued"));
        assertEquals(2L, view.get("pairs_kept"));
        assertEquals(1L, view.get("pairs_dropped"));
        assertEquals(Map.of("area_too_small", 2L, "touches_border", 1L, "still_detected", 1L, "image_failed", 1L),
                view.get("dropped"));
        assertEquals(List.of(Map.of("index", 2, "error", "invalid_image", "message", "the image is damaged")),
                view.get("failed_images"));
        assertEquals(2L, view.get("remaining"), "image 3 and the pair 000000-02");
        assertEquals(120L, view.get("elapsed_seconds"));
        assertEquals(1.5, view.get("pairs_per_minute"), "3 pairs ended in 2 minutes");
        // 4 queued + image 3 expected to queue 4/3 = 5.33 pairs, 3 ended: 2.33 left at 0.025 a second
        assertEquals(94L, view.get("eta_seconds"));
        assertEquals(0.005, ((com.fasterxml.jackson.databind.JsonNode) view.get("filters")).get("min_area")
                .asDouble());
        assertEquals(Map.of("prefix", "datasets/d1/", "metadata_url", "/v1/datasets/d1/files/metadata.jsonl",
                "card_url", "/v1/datasets/d1/files/README.md"), view.get("output"));
        assertNull(view.get("completed_at"));

        datasetStore.markCompleted("d1", "acme");
        Map<String, Object> done = DatasetView.of("d1", datasetStore.get("d1"), created.plusSeconds(9999), JSON);
        assertEquals("completed", done.get("state"));
        assertEquals(0L, done.get("eta_seconds"));
        assertTrue((Long) done.get("elapsed_seconds") < 9999, "elapsed stops at completion");
    }

    @Test
    void theEtaIsUnknownUntilAPairHasEnded() {
        datasetStore.create("d2", "acme", 2, Map.of());
        datasetStore.recordSurvey("d2", 0, 1, 1, Map.of());
        Instant created = Instant.parse(datasetStore.get("d2").get("createdAt"));

        Map<String, Object> view = DatasetView.of("d2", datasetStore.get("d2"), created.plusSeconds(30), JSON);

        assertTrue(view.containsKey("eta_seconds"));
        assertNull(view.get("eta_seconds"));
        assertNull(view.get("pairs_per_minute"));
        assertEquals(List.of(), view.get("failed_images"));
    }

    // ---- through the resource: tenants and output files ----

    private DatasetResource resource(String key) {
        gateway.apiKeys = Map.of("acme", TenantResolver.sha256("acme-key"), "other", TenantResolver.sha256("other-key"));
        var resource = new DatasetResource(datasets, new TenantResolver(gateway),
                new RateLimiter(REDIS.client(), gateway), JSON);
        resource.apiKey = key;
        return resource;
    }

    @Test
    void anotherTenantsDatasetIsNotFoundAndTheOwnerSeesIt() {
        datasetStore.create("d3", "acme", 1, Map.of());

        var theirs = assertThrows(ApiException.class, () -> resource("other-key").status("d3"));
        assertEquals(404, theirs.status().getStatusCode());
        assertEquals("dataset_not_found", theirs.code());
        assertEquals("no dataset with id d3", theirs.getMessage());
        var files = assertThrows(ApiException.class, () -> resource("other-key").file("d3", "README.md", false));
        assertEquals("dataset_not_found", files.code());
        assertEquals("d3", resource("acme-key").status("d3").get("id"));
        assertEquals("dataset_not_found", assertThrows(ApiException.class,
                () -> resource("acme-key").status("nope")).code());
    }

    @Test
    void outputFilesAreServedWithTheirTypeAndMissingOnesOrPathsOutsideAreRefused() {
        datasetStore.create("d4", "acme", 1, Map.of());
        byte[] rows = "{\"pair\":\"000000-00\"}\n".getBytes(StandardCharsets.UTF_8);
        storage.put("datasets/d4/metadata.jsonl", rows, "application/x-ndjson");
        storage.put("datasets/d4/images/000000-00-mask.png", new byte[] {1, 2}, "image/png");
        storage.put("datasets/secret.txt", new byte[] {9}, "text/plain");
        var acme = resource("acme-key");

        var served = acme.file("d4", "metadata.jsonl", false);
        assertEquals(200, served.getStatus());
        assertArrayEquals(rows, (byte[]) served.getEntity());
        assertEquals("application/x-ndjson", served.getMediaType().toString());
        assertEquals("image/png", acme.file("d4", "images/000000-00-mask.png", false).getMediaType().toString());
        assertEquals("text/markdown; charset=utf-8", DatasetService.contentType("README.md"));

        var missing = assertThrows(ApiException.class, () -> acme.file("d4", "README.md", false));
        assertEquals(404, missing.status().getStatusCode());
        assertEquals("file_not_found", missing.code());
        assertEquals("dataset d4 has no file 'README.md' (metadata.jsonl and README.md are written once the dataset "
                + "has completed)", missing.getMessage());
        assertEquals("file_not_found", assertThrows(ApiException.class,
                () -> acme.file("d4", "README.md", true)).code(), "no redirect to a file that is not there");
        for (String outside : List.of("../secret.txt", "images/../../secret.txt", "/etc/passwd", "images//x.png")) {
            var refused = assertThrows(ApiException.class, () -> acme.file("d4", outside, false), outside);
            assertEquals(400, refused.status().getStatusCode(), outside);
            assertEquals("invalid_path", refused.code(), outside);
        }

        var redirect = acme.file("d4", "metadata.jsonl", true);
        assertEquals(307, redirect.getStatus());
        assertEquals("https://storage.test/datasets/d4/metadata.jsonl", redirect.getLocation().toString());
    }
}
