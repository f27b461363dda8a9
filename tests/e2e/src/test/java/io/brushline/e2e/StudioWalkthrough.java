package io.brushline.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web studio at {@code /} in a real browser (Debian's headless chromium through chromedriver,
 * package chromium-driver), on a running stack: a photo uploaded, a box drawn, a CPU edit followed
 * to its result, the mask shown, and failures told in words. Each step leaves a screenshot in
 * {@code tests/e2e/target/studio-screenshots/}. Without chromium the steps are skipped, except under
 * CI=true, where they fail.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class StudioWalkthrough {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(2);
    private static final List<String> TERMINAL = List.of("SUCCEEDED", "FAILED", "CANCELED");

    private WebDriver browser;
    private WebDriverWait wait;
    private Path screenshots;
    private int shot;

    /** The gateway of the running stack, e.g. {@code http://127.0.0.1:8080}. */
    abstract String gatewayUrl();

    /** The folder of the shared evaluation photos. */
    abstract Path photos();

    @BeforeAll
    void openBrowser() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but " + CHROMIUM + " or " + CHROMEDRIVER
                    + " is missing (Debian packages chromium and chromium-driver; tools/test.sh installs them)");
        }
        assumeTrue(present, "no " + CHROMIUM + " and " + CHROMEDRIVER + ": the studio walkthrough is skipped");
        screenshots = Path.of(System.getProperty("brushline.root", "../.."))
                .resolve("tests/e2e/target/studio-screenshots");
        Files.createDirectories(screenshots);
        try (var old = Files.list(screenshots)) {
            for (Path file : old.toList()) {
                Files.delete(file);
            }
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,1100", "--no-first-run", "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(45));
    }

    @AfterAll
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    @Order(1)
    void aPhotoWithADrawnBoxIsEditedAndItsProgressResultAndMaskAreShown() throws Exception {
        browser.get(gatewayUrl() + "/");
        await(ExpectedConditions.titleIs("Brushline studio"), "page title");
        await(ExpectedConditions.presenceOfElementLocated(By.id("image-file")), "file input");
        screenshot("page-opened");

        browser.findElement(By.id("image-file")).sendKeys(photos().resolve("gsam_demo2_dog.jpg").toString());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("image-note"), "2048 × 1365 pixels"));
        WebElement canvas = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("hint-canvas")));
        screenshot("photo-uploaded");

        // a box around the running dog, from 30 % to 92 % of the width and 30 % to 80 % of the height
        // (offsets are from the canvas's centre)
        Dimension size = canvas.getSize();
        int dx = size.width * 62 / 100;
        int dy = size.height / 2;
        new Actions(browser).moveToElement(canvas, -size.width / 5, -size.height / 5).clickAndHold()
                .moveByOffset(dx / 2, dy / 2).moveByOffset(dx - dx / 2, dy - dy / 2).release().perform();
        String box = browser.findElement(By.id("box")).getAttribute("value");
        assertTrue(box.matches("\\d+,\\d+,\\d+,\\d+"), "the drawn box fills the box field: " + box);
        int[] corners = java.util.Arrays.stream(box.split(",")).mapToInt(Integer::parseInt).toArray();
        assertTrue(Math.abs(corners[0] - 614) < 60 && Math.abs(corners[2] - 1884) < 60, "box in photo pixels: " + box);
        assertTrue(text("hint-summary").startsWith("Hint: box from"), text("hint-summary"));
        screenshot("box-drawn");

        browser.findElement(By.id("instruction")).sendKeys("make the dog red");
        submitAndAwaitNewJob();
        // the states as they arrive over the progress stream
        List<String> seen = new ArrayList<>();
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (!TERMINAL.contains(stateShown()) && System.nanoTime() < deadline) {
            String state = stateShown();
            if (!state.isEmpty() && !seen.contains(state)) {
                seen.add(state);
                screenshot("progress-" + state.toLowerCase());
            }
            Thread.sleep(50);
        }
        screenshot("job-ended");
        assertEquals("SUCCEEDED", stateShown(), "job state " + text("job-state") + ": " + text("failure") + "; seen " + seen);
        List<String> listed = browser.findElements(By.cssSelector("#states li")).stream()
                .map(li -> li.getAttribute("data-state")).toList();
        assertEquals(List.of("QUEUED", "CLASSIFYING", "GROUNDING", "MASKING", "PAINTING", "SUCCEEDED"), listed,
                "every state with its timing; seen while running: " + seen);
        assertTrue(browser.findElement(By.cssSelector("#states li[data-state=QUEUED] .state-time")).getText()
                .matches("\\d+\\.\\d\\d s"), "a state's time in seconds");
        assertEquals("LOCAL", decision("category"));
        assertEquals("dog", decision("object"));
        assertEquals("cpu", decision("tier"));
        assertTrue(decision("operation").startsWith("recolour"), decision("operation"));

        WebElement after = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("after-image")));
        wait.until(d -> "true".equals(after.getAttribute("data-loaded")));
        Number width = (Number) ((JavascriptExecutor) browser).executeScript("return arguments[0].naturalWidth", after);
        assertEquals(2048, width.intValue(), "the result image loaded at the photo's size");
        assertTrue(browser.findElement(By.id("download-result")).getAttribute("href").startsWith("blob:"));
        screenshot("result-shown");

        WebElement mask = browser.findElement(By.id("mask-overlay"));
        assertTrue(!mask.isDisplayed());
        browser.findElement(By.id("mask-toggle")).click();
        wait.until(ExpectedConditions.visibilityOf(mask));
        screenshot("mask-shown");

        WebElement recent = browser.findElement(By.cssSelector("#recent-list li .badge"));
        assertEquals("Done", recent.getText(), "the recent job shows its state");
    }

    @Test
    @Order(2)
    void anUploadThatIsNoImageIsRefusedInWords() throws Exception {
        Path text = Files.writeString(screenshots.resolveSibling("not-an-image.jpg"), "this is not an image\n");
        browser.findElement(By.id("image-file")).sendKeys(text.toString());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("image-note"), "cannot show"));
        WebElement instruction = browser.findElement(By.id("instruction"));
        instruction.clear();
        instruction.sendKeys("make it black and white");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("submit"))).click();
        WebElement error = await(ExpectedConditions.visibilityOfElementLocated(By.id("submit-error")), "refusal");
        assertTrue(error.getText().startsWith("The request was refused:"), error.getText());
        screenshot("non-image-refused");
    }

    @Test
    @Order(3)
    void aJobThatFailsShowsItsReasonAndCodeAndCanBeRunAgainWithAnotherInstruction() throws Exception {
        browser.findElement(By.id("image-file")).sendKeys(photos().resolve("sam_groceries.jpg").toString());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("image-note"), "pixels"));
        WebElement instruction = browser.findElement(By.id("instruction"));
        instruction.clear();
        instruction.sendKeys("add a hot air balloon in the sky");
        submitAndAwaitNewJob();
        new WebDriverWait(browser, JOB_TIMEOUT).until(d -> TERMINAL.contains(stateShown()));
        assertEquals("FAILED", stateShown(), text("failure"));
        String failure = text("failure");
        assertTrue(failure.startsWith("This edit needs a generative model"), failure);
        assertTrue(failure.contains("code no_painter_configured"), failure);
        screenshot("job-failed");

        browser.findElement(By.cssSelector("#recent-list li:first-child button:last-child")).click();
        wait.until(ExpectedConditions.attributeToBe(By.id("instruction"), "value", "add a hot air balloon in the sky"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("image-note"), "pixels"));
        assertEquals(2, browser.findElements(By.cssSelector("#recent-list li")).size());

        browser.manage().window().setSize(new Dimension(390, 1500));
        screenshot("phone-width-rerun");
    }

    /** Submits the form and waits until the page follows the job it was answered with. */
    private void submitAndAwaitNewJob() throws Exception {
        String before = text("job-id");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("submit"))).click();
        await(d -> !text("job-id").isEmpty() && !text("job-id").equals(before), "the submitted job shown");
    }

    /** Waits for a step; when it does not come, the page as it was goes to the screenshots too. */
    private <T> T await(java.util.function.Function<? super WebDriver, T> condition, String what) throws Exception {
        try {
            return wait.until(condition);
        } catch (org.openqa.selenium.TimeoutException e) {
            screenshot("timed-out-" + what.replace(' ', '-'));
            throw e;
        }
    }

    private String stateShown() {
        return java.util.Objects.toString(browser.findElement(By.id("job-state")).getAttribute("data-state"), "");
    }

    private String decision(String field) {
        return browser.findElement(By.cssSelector("#decisions dd[data-field=" + field + "]")).getText();
    }

    private String text(String id) {
        return browser.findElement(By.id(id)).getText();
    }

    /** The whole page, not only the window (chromedriver's own screenshot stops at the window's edge). */
    private void screenshot(String step) throws Exception {
        var page = (JavascriptExecutor) browser;
        long width = ((Number) page.executeScript("return document.documentElement.scrollWidth")).longValue();
        long height = ((Number) page.executeScript("return document.documentElement.scrollHeight")).longValue();
        Map<String, Object> shotOf = ((ChromeDriver) browser).executeCdpCommand("Page.captureScreenshot", Map.of(
                "format", "png", "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", width, "height", Math.min(height, 6000), "scale", 1)));
        Files.write(screenshots.resolve(String.format("%02d-%s.png", ++shot, step)),
                Base64.getDecoder().decode((String) shotOf.get("data")));
    }
}
