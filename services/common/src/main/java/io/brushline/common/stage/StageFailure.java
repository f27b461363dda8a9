package io.brushline.common.stage;

/**
 * A failure that will not heal by retrying (an undecodable image, no such object in the picture, no
 * painter for the category). The job ends FAILED with {@code reason}, which is shown to the user.
 */
public class StageFailure extends RuntimeException {

    private final String code;

    public StageFailure(String code, String reason) {
        super(reason);
        this.code = code;
    }

    /** Stable, machine-readable: clients branch on it, people read the message. */
    public String code() {
        return code;
    }
}
