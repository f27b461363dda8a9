package io.brushline.common.messages;

import io.quarkus.kafka.client.serialization.ObjectMapperDeserializer;

/** JSON value deserializer for every pipeline topic. */
public class EditJobDeserializer extends ObjectMapperDeserializer<EditJob> {
    public EditJobDeserializer() {
        super(EditJob.class);
    }
}
