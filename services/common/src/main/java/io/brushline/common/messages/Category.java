package io.brushline.common.messages;

/** The five kinds of edit the method distinguishes; each decides how the mask is made and painted. */
public enum Category {
    LOCAL,
    BACKGROUND,
    GLOBAL,
    ADD,
    REMOVE
}
