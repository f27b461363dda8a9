package io.brushline.grounding.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.brushline.common.testing.FakeChatServer;
import io.brushline.common.testing.FakeChatServer.Reply;
import io.brushline.common.testing.TestConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AddInstructionPhraserProducerTest {

    @RegisterExtension
    final FakeChatServer server = new FakeChatServer();

    /** The phrasing settings, with the endpoint set to the fake server in every case. */
    private PhrasingConfig config(Map<String, String> properties) {
        Map<String, String> all = new HashMap<>(properties);
        all.put("brushline.dataset.phrasing.llm.base-url", server.baseUrl().toString());
        return TestConfig.mapping(PhrasingConfig.class, all);
    }

    @Test
    void templatesWhenNotConfiguredAndNoModelIsAsked() {
        PhrasingConfig config = config(Map.of());
        assertEquals(PhrasingConfig.Engine.TEMPLATES, config.engine());
        server.then(Reply.ok("place a dog on the bench"));

        AddInstructionPhraser phraser = AddInstructionPhraserProducer.create(config);
        assertSame(AddInstructionPhraser.TEMPLATES, phraser);
        assertEquals("add a dog on the bench", phraser.phrase("add a dog on the bench", "dog"));
        assertTrue(server.received().isEmpty(), "no HTTP call");
    }

    @Test
    void theLanguageModelWhenConfigured() {
        PhrasingConfig config = config(Map.of(
                "brushline.dataset.phrasing.engine", "llm",
                "brushline.dataset.phrasing.llm.model", "qwen2.5-7b-instruct",
                "brushline.dataset.phrasing.llm.api-key", "secret",
                "brushline.dataset.phrasing.llm.timeout", "4s",
                "brushline.dataset.phrasing.llm.max-attempts", "1"));
        assertEquals(Duration.ofSeconds(4), config.llm().timeout());
        server.then(Reply.ok("place a dog on the bench"));

        AddInstructionPhraser phraser = AddInstructionPhraserProducer.create(config);
        assertInstanceOf(LlmAddInstructionPhraser.class, phraser);
        assertEquals("place a dog on the bench", phraser.phrase("add a dog on the bench", "dog"));
        assertEquals(1, server.received().size());
        assertEquals("qwen2.5-7b-instruct", server.received().get(0).body().path("model").asText());
        assertEquals("Bearer secret", server.received().get(0).authorization());
    }
}
