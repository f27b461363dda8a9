package io.brushline.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private static final String ID = "3222557b-0d6a-4d43-9d7b-0e2a61d1a0f1";

    @Test
    void eventsAreParsedAsTheSpecificationSays() {
        List<ServerSentEvents.Event> events = new ArrayList<>();
        boolean ended = ServerSentEvents.read(List.of(
                ": a comment", "retry: 1000", "data:{\"a\":", "data: 1}", "", "",
                "event: progress", "id: 7", "data:  two spaces", "",
                "data", "",
                "data:last without a blank line").iterator(), events::add);
        assertTrue(ended);
        assertEquals(List.of(
                new ServerSentEvents.Event("message", "{\"a\":\n1}", null),
                new ServerSentEvents.Event("progress", " two spaces", "7"),
                // the last event id stays until another one is sent
                new ServerSentEvents.Event("message", "", "7"),
                new ServerSentEvents.Event("message", "last without a blank line", "7")), events);
    }

    @Test
    void aHandlerCanStopTheReading() {
        List<String> seen = new ArrayList<>();
        boolean ended = ServerSentEvents.read(List.of("data:1", "", "data:2", "", "data:3", "").iterator(),
                e -> seen.add(e.data()) && !e.data().equals("2"));
        assertFalse(ended);
        assertEquals(List.of("1", "2"), seen);
    }

    @Test
    void watchReportsEachChangeAndReopensAStreamThatClosedEarly() throws Exception {
        try (TestServer server = new TestServer().then(
                // the first stream closes (its maximum duration) before the job ends
                TestServer.events(Jobs.job(ID, "QUEUED"), Jobs.job(ID, "GROUNDING")),
                TestServer.events(Jobs.job(ID, "GROUNDING"), Jobs.job(ID, "PAINTING"), Jobs.job(ID, "SUCCEEDED")))) {
            List<JobState> states = new ArrayList<>();
            Job done = BrushlineClient.builder(server.url()).build().watch(ID, job -> states.add(job.state()));
            assertEquals(JobState.SUCCEEDED, done.state());
            assertEquals(List.of(JobState.QUEUED, JobState.GROUNDING, JobState.PAINTING, JobState.SUCCEEDED), states,
                    "a repeated status is reported once");
            assertEquals(2, server.received().size());
            assertEquals("/v1/edits/" + ID + "/events", server.received().get(0).path());
            assertEquals("text/event-stream", server.received().get(0).header("Accept"));
        }
    }

    @Test
    void tooManyStreamsFallsBackToReadingTheStatus() throws Exception {
        try (TestServer server = new TestServer().then(
                TestServer.error(429, "too_many_streams", "more than 10 progress streams are open at once"),
                TestServer.json(200, Jobs.job(ID, "MASKING")),
                TestServer.json(200, Jobs.job(ID, "FAILED")))) {
            List<Duration> waits = new CopyOnWriteArrayList<>();
            List<JobState> states = new ArrayList<>();
            Job done = BrushlineClient.builder(server.url()).sleeper(waits::add).pollInterval(Duration.ofMillis(500))
                    .build().watch(ID, job -> states.add(job.state()));
            assertEquals(JobState.FAILED, done.state());
            assertEquals("no dog was found in the image", done.failure().reason());
            assertEquals(List.of(JobState.MASKING, JobState.FAILED), states);
            assertEquals(List.of(Duration.ofMillis(500)), waits, "a refused stream is not retried, the status is polled");
        }
    }

    @Test
    void progressIsAFlowPublisher() throws Exception {
        try (TestServer server = new TestServer().then(
                TestServer.events(Jobs.job(ID, "QUEUED"), Jobs.job(ID, "CLASSIFYING"), Jobs.job(ID, "SUCCEEDED")))) {
            List<JobState> states = new CopyOnWriteArrayList<>();
            CompletableFuture<Void> completed = new CompletableFuture<>();
            BrushlineClient.builder(server.url()).build().progress(ID).subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscription.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(Job item) {
                    states.add(item.state());
                }

                @Override
                public void onError(Throwable throwable) {
                    completed.completeExceptionally(throwable);
                }

                @Override
                public void onComplete() {
                    completed.complete(null);
                }
            });
            completed.get(10, TimeUnit.SECONDS);
            assertEquals(List.of(JobState.QUEUED, JobState.CLASSIFYING, JobState.SUCCEEDED), states);
        }
    }

    @Test
    void aPublisherReportsAnUnknownJobAsAnError() throws Exception {
        try (TestServer server = new TestServer().then(TestServer.error(404, "not_found", "no edit job with id " + ID))) {
            CompletableFuture<Throwable> failed = new CompletableFuture<>();
            BrushlineClient.builder(server.url()).build().progress(ID).subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscription.request(1);
                }

                @Override
                public void onNext(Job item) {
                }

                @Override
                public void onError(Throwable throwable) {
                    failed.complete(throwable);
                }

                @Override
                public void onComplete() {
                    failed.complete(null);
                }
            });
            Throwable error = failed.get(10, TimeUnit.SECONDS);
            assertTrue(error instanceof BrushlineException.NotFound, String.valueOf(error));
        }
    }
}
