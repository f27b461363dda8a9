package io.brushline.gateway;

import jakarta.ws.rs.core.Response;

/** A request the API refuses, with a stable code and a message that says what to change. */
public class ApiException extends RuntimeException {

    /** 422: the request is well-formed but something in it cannot be done (JAX-RS names no constant for it). */
    public static final Response.StatusType UNPROCESSABLE = new Response.StatusType() {
        @Override
        public int getStatusCode() {
            return 422;
        }

        @Override
        public Response.Status.Family getFamily() {
            return Response.Status.Family.CLIENT_ERROR;
        }

        @Override
        public String getReasonPhrase() {
            return "Unprocessable Content";
        }
    };

    private final Response.StatusType status;
    private final String code;

    public ApiException(Response.StatusType status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(Response.Status.BAD_REQUEST, code, message);
    }

    public Response.StatusType status() {
        return status;
    }

    public String code() {
        return code;
    }
}
