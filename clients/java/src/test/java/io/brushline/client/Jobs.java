package io.brushline.client;

/** Job JSON in the shape the gateway's JobView writes. */
final class Jobs {

    private Jobs() {
    }

    static String job(String id, String state) {
        return job(id, state, null);
    }

    /** A job whose result, if it has one, is of {@code resultType}; null leaves the type out, as older gateways do. */
    static String job(String id, String state, String resultType) {
        StringBuilder json = new StringBuilder("{\"id\":\"" + id + "\",\"state\":\"" + state + "\","
                + "\"instruction\":\"make it black and white\",\"created_at\":\"2026-11-30T10:00:00Z\","
                + "\"width\":640,\"height\":480,\"category\":\"GLOBAL\",\"engine\":\"rules\","
                + "\"operation\":{\"tier\":\"cpu\",\"name\":\"greyscale\",\"params\":{}},"
                + "\"transitions\":{\"QUEUED\":\"2026-11-30T10:00:00.100Z\"},"
                + "\"stage_millis\":{\"classifier\":12},\"storage_millis\":{\"classifier\":3}");
        if ("SUCCEEDED".equals(state)) {
            json.append(",\"result_url\":\"/v1/edits/").append(id).append("/result\"");
            if (resultType != null) {
                json.append(",\"result_type\":\"").append(resultType).append("\"");
            }
        }
        if ("FAILED".equals(state)) {
            json.append(",\"failure\":{\"stage\":\"grounding\",\"code\":\"object_not_found\","
                    + "\"reason\":\"no dog was found in the image\"}");
        }
        return json.append(",\"webhook\":\"pending\",\"a_field_of_a_newer_gateway\":1}").toString();
    }
}
