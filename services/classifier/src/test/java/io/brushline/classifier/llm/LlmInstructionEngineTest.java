package io.brushline.classifier.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brushline.classifier.EncodedImage;
import io.brushline.classifier.ImageSize;
import io.brushline.classifier.rules.RuleBasedInstructionEngine;
import io.brushline.common.llm.ChatSettings;
import io.brushline.common.llm.LlmException;
import io.brushline.common.messages.Box;
import io.brushline.common.messages.Category;
import io.brushline.common.messages.Classification;
import io.brushline.common.stage.FailureCodes;
import io.brushline.common.stage.StageFailure;
import io.brushline.common.testing.FakeChatServer;
import io.brushline.common.testing.FakeChatServer.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LlmInstructionEngineTest {

    private static final String ADD_REPLY = """
            {"category": "ADD", "object": "hot air balloon", "target_prompt": "a red hot air balloon in the sky",
             "negative_prompt": null,
             "placement": {"box": [1200, 80, 2650, 1400], "relation": "in", "anchor": "sky"}}
            """;
    private static final String REMOVE_REPLY = """
            {"category": "REMOVE", "object": "dog", "target_prompt": "an empty lawn", "negative_prompt": "dog",
             "placement": null}
            """;

    @RegisterExtension
    final FakeChatServer server = new FakeChatServer();

    private LlmInstructionEngine engine(int attempts, Duration timeout, boolean fallback) {
        var settings = new LlmSettings(new ChatSettings(server.baseUrl(), "test-model", Optional.of("sk-test"), timeout,
                attempts, Duration.ofMillis(10)), fallback);
        return new LlmInstructionEngine(settings, new RuleBasedInstructionEngine());
    }

    @Test
    void sendsASchemaRequestAndReadsLargeCoordinates() {
        server.then(Reply.ok(ADD_REPLY));
        Classification c = engine(3, Duration.ofSeconds(5), false)
                .understand("add a hot air balloon in the sky", new ImageSize(4000, 3000));

        assertEquals(Category.ADD, c.category());
        assertEquals("hot air balloon", c.object());
        assertEquals(new Box(1200, 80, 2650, 1400), c.placement().box());
        assertEquals("sky", c.placement().anchor());
        assertEquals("llm test-model", c.engine());

        var request = server.received().get(0);
        assertEquals("POST", request.method());
        assertEquals("/v1/chat/completions", request.path());
        assertEquals("Bearer sk-test", request.authorization());
        assertTrue(request.contentType().startsWith("application/json"));
        JsonNode body = request.body();
        assertEquals("test-model", body.path("model").asText());
        assertEquals("json_schema", body.path("response_format").path("type").asText());
        JsonNode schema = body.path("response_format").path("json_schema").path("schema");
        assertEquals(5, schema.path("properties").path("category").path("enum").size());
        assertEquals("system", body.path("messages").path(0).path("role").asText());
        String user = body.path("messages").path(1).path("content").asText();
        assertTrue(user.contains("4000 x 3000") && user.contains("add a hot air balloon in the sky"), user);
    }

    @Test
    void showsThePictureAsADataUrlWhenTheStepHasIt() {
        server.then(Reply.ok(ADD_REPLY)).then(Reply.ok(ADD_REPLY));
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        engine(1, Duration.ofSeconds(5), false).understand("add a hot air balloon in the sky",
                new ImageSize(4000, 3000), () -> new EncodedImage(png, "image/png"));
        JsonNode content = server.received().get(0).body().path("messages").path(1).path("content");
        assertEquals("text", content.path(0).path("type").asText());
        assertTrue(content.path(0).path("text").asText().contains("4000 x 3000"));
        assertEquals("data:image/png;base64," + java.util.Base64.getEncoder().encodeToString(png),
                content.path(1).path("image_url").path("url").asText());

        byte[] huge = new byte[LlmInstructionEngine.MAX_PICTURE_BYTES + 1];
        engine(1, Duration.ofSeconds(5), false).understand("add a hot air balloon in the sky",
                new ImageSize(4000, 3000), () -> new EncodedImage(huge, "image/jpeg"));
        assertTrue(server.received().get(1).body().path("messages").path(1).path("content").isTextual(),
                "an over-large picture is left out and the request stays text only");
    }

    @Test
    void retriesAfterRateLimitThenSucceeds() {
        server.then(new Reply(429, "{}", "0", 0)).then(Reply.ok(REMOVE_REPLY));
        Classification c = engine(3, Duration.ofSeconds(5), false).understand("remove the dog", null);
        assertEquals(Category.REMOVE, c.category());
        assertEquals("dog", c.negativePrompt());
        assertEquals(2, server.received().size());
    }

    @Test
    void retriesServerErrorsAndFallsBackWhenTheyPersist() {
        server.then(Reply.status(500)).then(Reply.status(502)).then(Reply.status(503));
        Classification c = engine(3, Duration.ofSeconds(5), true).understand("remove the dog", null);
        assertEquals(3, server.received().size());
        assertEquals(Category.REMOVE, c.category());
        assertEquals("dog", c.object());
        assertEquals("rules (fallback: llm http 503)", c.engine());
    }

    /** The model answers the same prompt the same way (temperature 0): a malformed reply fails the job at once. */
    @Test
    void aMalformedReplyFailsTheJobAtOnce() {
        List<Reply> malformed = List.of(Reply.ok("this is not json {"),
                Reply.ok("{\"category\": \"RESIZE\", \"object\": null, \"target_prompt\": \"x\"}"),
                Reply.ok("{\"category\": \"ADD\", \"object\": \"cat\", \"target_prompt\": \"a cat\","
                        + " \"negative_prompt\": null, \"placement\": {\"box\": [1, 2.5, 3, 4]}}"),
                new Reply(200, "{\"choices\": []}", null, 0));
        for (Reply reply : malformed) {
            int before = server.received().size();
            server.then(reply);
            StageFailure e = assertThrows(StageFailure.class,
                    () -> engine(4, Duration.ofSeconds(5), false).understand("add a cat", null));
            assertEquals(FailureCodes.LANGUAGE_MODEL, e.code());
            assertTrue(e.getMessage().contains("invalid reply"), e.getMessage());
            assertEquals(before + 1, server.received().size(), "asked once, not again");
        }
    }

    @Test
    void codeFencedJsonIsAccepted() {
        server.then(Reply.ok("```json\n" + REMOVE_REPLY + "\n```"));
        assertEquals(Category.REMOVE, engine(1, Duration.ofSeconds(5), false).understand("remove the dog", null)
                .category());
    }

    @Test
    void timeoutFallsBackToRulesAndSaysSo() {
        server.then(new Reply(200, FakeChatServer.completion(REMOVE_REPLY), null, 1500));
        Classification c = engine(1, Duration.ofMillis(300), true).understand("remove the dog", null);
        assertEquals("rules (fallback: llm timeout)", c.engine());
        assertEquals(Category.REMOVE, c.category());
    }

    @Test
    void refusedCredentialsFailTheJobAtOnce() {
        server.then(Reply.status(401));
        StageFailure e = assertThrows(StageFailure.class,
                () -> engine(3, Duration.ofSeconds(5), false).understand("remove the dog", null));
        assertEquals(FailureCodes.LANGUAGE_MODEL, e.code());
        assertTrue(e.getMessage().contains("http 401"), e.getMessage());
        assertEquals(1, server.received().size());
    }

    @Test
    void anOutageThatOutlastsTheAttemptsIsLeftToTheStageToRetry() {
        server.then(Reply.status(503)).then(Reply.status(503));
        LlmException e = assertThrows(LlmException.class,
                () -> engine(2, Duration.ofSeconds(5), false).understand("remove the dog", null));
        assertEquals("http 503", e.reason());
        assertFalse(e.permanent());
    }

    @Test
    void boxIsClippedToTheImageAndOmittedWithoutOne() {
        String reply = ADD_REPLY.replace("2650, 1400", "9000, 1400");
        server.then(Reply.ok(reply)).then(Reply.ok(ADD_REPLY.replace("[1200, 80, 2650, 1400]", "null")));
        var engine = engine(1, Duration.ofSeconds(5), false);
        assertEquals(new Box(1200, 80, 3000, 1400),
                engine.understand("add a balloon", new ImageSize(3000, 2000)).placement().box());
        assertNull(engine.understand("add a balloon", null).placement().box());
        assertTrue(server.received().get(1).body().path("messages").path(1).path("content").asText()
                .contains("No image size"));
    }
}
