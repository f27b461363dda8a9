package io.brushline.grounding.datasets;

import io.brushline.common.llm.ChatClient;
import io.brushline.common.llm.ChatSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.jboss.logging.Logger;

/** Makes the configured {@link AddInstructionPhraser} the one the dataset survey injects. */
@ApplicationScoped
public class AddInstructionPhraserProducer {

    private static final Logger LOG = Logger.getLogger(AddInstructionPhraserProducer.class);

    @Produces
    @ApplicationScoped
    public AddInstructionPhraser addInstructionPhraser(PhrasingConfig config) {
        AddInstructionPhraser phraser = create(config);
        LOG.infof("add-back instructions: %s", config.engine() == PhrasingConfig.Engine.LLM
                ? "templates rephrased by " + config.llm().model() + " at " + config.llm().baseUrl()
                : "templates");
        return phraser;
    }

    /** Separate from CDI so that it can be exercised with a plain config object. */
    public static AddInstructionPhraser create(PhrasingConfig config) {
        return switch (config.engine()) {
            case TEMPLATES -> AddInstructionPhraser.TEMPLATES;
            case LLM -> new LlmAddInstructionPhraser(new ChatClient(ChatSettings.of(config.llm())));
        };
    }
}
