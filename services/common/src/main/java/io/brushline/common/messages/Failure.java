package io.brushline.common.messages;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Why a job ended FAILED: the stage, a stable machine-readable code and a reason a person can act on. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Failure(String stage, String code, String reason) {
}
