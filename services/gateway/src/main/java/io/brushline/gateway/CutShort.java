package io.brushline.gateway;

import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * A submission of many images (a batch, a dataset) that stopped part way: the answer names what was
 * submitted and the indexes it did not get to, under the names the API gives them for that kind.
 */
public final class CutShort extends ApiException {

    /** Indexes listed in the message; the answer's list has them all. */
    private static final int INDEXES_IN_MESSAGE = 20;

    private final String idField;
    private final String id;
    private final String listField;
    private final List<Integer> indexes;

    CutShort(Response.StatusType status, String code, String message, String idField, String id,
            String listField, List<Integer> indexes) {
        super(status, code, message);
        this.idField = idField;
        this.id = id;
        this.listField = listField;
        this.indexes = List.copyOf(indexes);
    }

    /** The field of the answer that names the batch or dataset ("batch_id"). */
    public String idField() {
        return idField;
    }

    public String id() {
        return id;
    }

    /** The field of the answer that lists the indexes ("not_submitted"). */
    public String listField() {
        return listField;
    }

    /** The indexes that were not submitted, in order. */
    public List<Integer> indexes() {
        return indexes;
    }

    /**
     * The failure that stopped a submission as the API answers it; anything but an {@link ApiException}
     * is logged and answered 503 {@code temporarily_unavailable} with {@code unreachable} as its message.
     *
     * @param what "batch 42", for the log
     */
    static ApiException cause(RuntimeException first, Logger log, String what, String unreachable) {
        if (first instanceof ApiException api) {
            return api;
        }
        log.errorf(first, "%s was not fully submitted", what);
        return new ApiException(Response.Status.SERVICE_UNAVAILABLE, "temporarily_unavailable", unreachable);
    }

    /** What went wrong, without the advice that follows it ("...; retry later"). */
    static String what(ApiException cause) {
        String message = cause.getMessage();
        int advice = message.indexOf(';');
        return advice > 0 ? message.substring(0, advice) : message;
    }

    /** The first indexes, then how many more the answer's {@code listField} has. */
    static String shown(List<Integer> indexes, String listField) {
        return indexes.stream().limit(INDEXES_IN_MESSAGE).map(String::valueOf).collect(Collectors.joining(", "))
                + (indexes.size() > INDEXES_IN_MESSAGE ? " and " + (indexes.size() - INDEXES_IN_MESSAGE)
                + " more (see '" + listField + "')" : "");
    }
}
