package dev.conveyor.ui;

import dev.conveyor.testing.JobProbe;
import dev.conveyor.testing.KafkaTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web view in a real browser against the whole service and a real broker: a job appears in the
 * list and turns SUCCEEDED without a reload; its page draws the task graph and shows a task's
 * stdout and output; a running job is cancelled from its page (after the confirm dialog) and turns
 * CANCELLED. Leaves a screenshot of a job page in {@code target/ui-job.png}
 * ({@code -Dscreenshots.update=true} also writes {@code docs/ui-job.png}).
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class WebViewBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static JobProbe probe;
    private static ChromeDriver browser;

    @TestHTTPResource("/ui")
    URI ui;

    @BeforeAll
    static void start() throws Exception {
        Browser.assumeInstalled();
        probe = new JobProbe(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (probe != null) {
            probe.close();
        }
    }

    private static String id(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static WebDriverWait waiting() {
        WebDriverWait wait = new WebDriverWait(browser, WAIT, Duration.ofMillis(100));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    /** An attribute read in one step: the live parts of the pages are replaced as events arrive. */
    private static String attr(String css, String name) {
        return (String) browser.executeScript("var e = document.querySelector(arguments[0]); "
                + "return e ? e.getAttribute(arguments[1]) : null;", css, name);
    }

    private static String text(String css) {
        return (String) browser.executeScript("var e = document.querySelector(arguments[0]); "
                + "return e ? e.innerText : null;", css);
    }

    @Test
    void aJobAppearsTurnsSucceededLiveAndItsPageShowsTheGraphLogsAndOutputs() throws Exception {
        browser.get(ui.toString());
        waiting().until(ExpectedConditions.attributeContains(By.id("live"), "class", "on"));
        String chain = id("ui-chain");
        String hello = id("ui-hello");
        probe.publish(chain, Files.readString(Path.of("examples/chain.yaml")));
        // Live: the rows appear and change state with no reload of the page.
        browser.executeScript("window.__sameDocument = true");
        String chainRow = "tr.job[data-id='" + chain + "']";
        waiting().until(d -> attr(chainRow, "data-id") != null);
        probe.publish(hello, Files.readString(Path.of("examples/hello.yaml")));
        waiting().until(d -> "SUCCEEDED".equals(attr(chainRow, "data-state")) && "SUCCEEDED".equals(attr(
                "tr.job[data-id='" + hello + "']", "data-state")));
        assertThat(browser.executeScript("return window.__sameDocument")).isEqualTo(true);
        waiting().until(d -> text(chainRow).contains("example=chain"));
        assertThat(text(chainRow)).contains("chain", "local", "example=chain", "3 ok / 3");
        @SuppressWarnings("unchecked")
        List<String> order = (List<String>) browser.executeScript(
                "return Array.from(document.querySelectorAll('tr.job')).map(function (r) { return r.getAttribute('data-id'); });");
        assertThat(order.indexOf(hello)).as("newest first").isLessThan(order.indexOf(chain));

        assertThat(attr(chainRow + " a", "href")).isEqualTo("/ui/jobs/" + chain);
        browser.executeScript("document.querySelector(arguments[0]).click()", chainRow + " a");
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("dag")));
        waiting().until(d -> "SUCCEEDED".equals(attr("#job-state", "data-state")));
        assertThat(all("#dag g.node", "data-id")).containsExactly("produce", "transform", "summarize");
        assertThat(all("#dag g.node", "data-state")).containsOnly("SUCCEEDED");
        assertThat(all("#dag path.edge", "data-from")).containsExactly("produce", "transform");
        assertThat(all("#dag path.edge", "data-to")).containsExactly("transform", "summarize");
        assertThat(all("#timeline .stage:not(.unseen)", "data-stage"))
                .containsExactly("submission", "staging", "dispatch", "monitoring", "collection");
        assertThat(text("#result")).contains("\"status\" : \"SUCCEEDED\"");
        waiting().until(d -> text("#request").contains("for i in 1 2 3"));
        assertThat(text("tr.task[data-task='summarize']")).contains("summary.txt", "count.txt");
        Path shot = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.createDirectories(Path.of("target"));
        Files.copy(shot, Path.of("target/ui-job.png"), StandardCopyOption.REPLACE_EXISTING);
        if (Boolean.getBoolean("screenshots.update")) {
            Files.copy(shot, Path.of("docs/ui-job.png"), StandardCopyOption.REPLACE_EXISTING);
        }

        browser.get(ui + "/jobs/" + hello);
        String task = "tr.task[data-task='say-hello']";
        waiting().until(d -> "SUCCEEDED".equals(attr("#job-state", "data-state")) && attr(task + " pre.tail.stdout", "class") != null);
        assertThat(text(task + " pre.tail.stdout")).isEqualTo("Hello, Conveyor\n");
        String output = ui.resolve(attr(task + " a.output", "href")).toString();
        assertThat(output).startsWith(ui.toString()).endsWith("/tasks/say-hello/attempts/1/outputs/greeting.txt").doesNotContain("?");
        HttpResponse<String> file = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                .send(HttpRequest.newBuilder(URI.create(output)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).isEqualTo("Hello, Conveyor\n");
        String log = ui.resolve(attr(task + " a.log-stdout", "href")).toString();
        assertThat(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(log)).build(),
                HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("Hello, Conveyor\n");
    }

    @SuppressWarnings("unchecked")
    private static List<String> all(String css, String name) {
        return (List<String>) browser.executeScript("var name = arguments[1]; return Array.from("
                + "document.querySelectorAll(arguments[0])).map(function (e) { return e.getAttribute(name); });", css, name);
    }

    @Test
    void aRunningJobIsCancelledFromItsPageAfterConfirming() {
        String sleeper = id("ui-sleep");
        probe.publish(sleeper, """
                name: sleeper
                tasks:
                  - id: nap
                    command: echo going to sleep; sleep 300
                """);
        browser.get(ui + "/jobs/" + sleeper);
        String napRow = "tr.task[data-task='nap']";
        waiting().until(d -> {
            if (attr(napRow, "data-state") == null) {
                d.navigate().refresh(); // the page of a job not yet accepted is a 404 at first
                return false;
            }
            return "RUNNING".equals(attr(napRow, "data-state"));
        });

        browser.findElement(By.id("cancel")).click();
        waiting().until(ExpectedConditions.alertIsPresent()).accept();

        waiting().until(d -> "CANCELLED".equals(attr("#job-state", "data-state")));
        assertThat(attr(napRow, "data-state")).isEqualTo("CANCELLED");
        assertThat(browser.findElement(By.id("cancel")).isDisplayed()).isFalse();
        List<JobProbe.Seen> control = probe.on("conveyor.control", sleeper); // schema and CloudEvent headers checked
        assertThat(control).hasSize(1);
        assertThat(control.get(0).headers()).containsEntry("ce_source", "conveyor/ui");
        assertThat(control.get(0).json().path("reason").asText()).isEqualTo("cancelled from the web view");
    }
}
