package io.brushline.classifier.llm;

import io.brushline.common.llm.ChatSettings;

/**
 * The classifier's use of a chat-completions endpoint.
 *
 * @param fallbackToRules answer with the offline engine when the model cannot be used
 */
public record LlmSettings(ChatSettings chat, boolean fallbackToRules) {
}
