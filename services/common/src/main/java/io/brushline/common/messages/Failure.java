package io.brushline.common.messages;

/** Why a job ended FAILED: the stage, a stable machine-readable code and a reason a person can act on. */
public record Failure(String stage, String code, String reason) {
}
