package io.brushline.common.messages;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An object a dataset item names itself instead of leaving it to the detector, as stored with the
 * dataset: its class, and its box, its mask (the key of a stored image the size of the photo, white
 * where the object is), or both. The survey takes a box-less object's box from its mask.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SuppliedObject(String label, Box box, String maskKey) {
}
