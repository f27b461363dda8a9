package io.brushline.grounding.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.brushline.common.llm.ChatClient;
import io.brushline.common.llm.ChatSettings;
import io.brushline.common.testing.FakeChatServer;
import io.brushline.common.testing.FakeChatServer.Reply;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LlmAddInstructionPhraserTest {

    private static final String TEMPLATE = "add a dog on the bench";

    @RegisterExtension
    final FakeChatServer server = new FakeChatServer();

    private LlmAddInstructionPhraser phraser(Duration timeout) {
        return new LlmAddInstructionPhraser(new ChatClient(new ChatSettings(server.baseUrl(), "phrasing-model",
                Optional.of("sk-test"), timeout, 1, Duration.ofMillis(10))));
    }

    @Test
    void aGoodReplyIsUsed() {
        server.then(Reply.ok("Place a small brown dog on the bench"));
        assertEquals("Place a small brown dog on the bench", phraser(Duration.ofSeconds(5)).phrase(TEMPLATE, "dog"));

        assertEquals(1, server.received().size());
        var request = server.received().get(0);
        assertEquals("/v1/chat/completions", request.path());
        assertEquals("Bearer sk-test", request.authorization());
        JsonNode body = request.body();
        assertEquals("phrasing-model", body.path("model").asText());
        assertEquals("system", body.path("messages").path(0).path("role").asText());
        String user = body.path("messages").path(1).path("content").asText();
        assertTrue(user.contains(TEMPLATE) && user.contains("Object: dog"), user);
    }

    @Test
    void surroundingBlanksAndQuotesAreTakenOff() {
        server.then(Reply.ok("  \"put a dog on the bench, wagging its tail\"\n"));
        assertEquals("put a dog on the bench, wagging its tail", phraser(Duration.ofSeconds(5)).phrase(TEMPLATE, "dog"));
    }

    @Test
    void aMultiWordLabelMustBeNamedWhole() {
        server.then(Reply.ok("insert a hydrant next to the car")).then(Reply.ok("insert a fire hydrant next to the car"));
        var phraser = phraser(Duration.ofSeconds(5));
        String template = "add a fire hydrant to the left of the car";
        assertEquals(template, phraser.phrase(template, "fire hydrant"));
        assertEquals("insert a fire hydrant next to the car", phraser.phrase(template, "fire hydrant"));
    }

    @Test
    void unusableRepliesFallBackToTheTemplate() {
        var phraser = phraser(Duration.ofSeconds(5));
        for (String reply : new String[] {
                "add a puppy on the bench",                      // the label is not named
                "add a dogs on the bench",                       // nor is it as part of another word
                "add a dog on the bench\nadd a dog on the seat", // two lines
                "Sure! Here it is: add a dog on the bench",      // does not start like an ADD instruction
                "remove the dog from the bench",
                "add a dog on the bench " + "that is very fluffy and happy ".repeat(4)}) { // too long
            int before = server.received().size();
            server.then(Reply.ok(reply));
            assertEquals(TEMPLATE, phraser.phrase(TEMPLATE, "dog"), reply);
            assertEquals(before + 1, server.received().size(), "the model was asked: " + reply);
        }
        assertTrue(("add a dog on the bench " + "that is very fluffy and happy ".repeat(4)).length()
                > LlmAddInstructionPhraser.MAX_LENGTH, "the long reply is over the limit");
    }

    @Test
    void aServerErrorFallsBackToTheTemplate() {
        server.then(Reply.status(500));
        assertEquals(TEMPLATE, phraser(Duration.ofSeconds(5)).phrase(TEMPLATE, "dog"));
        assertEquals(1, server.received().size());
    }

    @Test
    void aResponseWithoutAMessageFallsBackToTheTemplate() {
        server.then(new Reply(200, "{\"choices\": []}", null, 0));
        assertEquals(TEMPLATE, phraser(Duration.ofSeconds(5)).phrase(TEMPLATE, "dog"));
    }

    @Test
    void aTimeoutFallsBackToTheTemplateWithoutWaitingForTheReply() {
        server.then(new Reply(200, FakeChatServer.completion("place a dog on the bench"), null, 3000));
        long start = System.nanoTime();
        assertEquals(TEMPLATE, phraser(Duration.ofMillis(300)).phrase(TEMPLATE, "dog"));
        long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(millis < 2500, "gave up after the timeout, not the reply's 3 s: " + millis + " ms");
    }

    @Test
    void anUnreachableEndpointFallsBackToTheTemplate() {
        server.stop();
        assertEquals(TEMPLATE, phraser(Duration.ofSeconds(2)).phrase(TEMPLATE, "dog"));
    }
}
