package dev.conveyor.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The stages' record counters as the service's {@code /q/metrics} serves them. */
public final class StageCounters {
    private StageCounters() {
    }

    /** The whole scrape of {@code metrics} (the service's {@code /q/metrics}). */
    public static String scrape(URI metrics) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(metrics).header("Accept", "text/plain").build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** How many times {@code stage} held a record so far (the counter of {@code outcome="held"}; 0 before the first). */
    public static double held(URI metrics, String stage) throws Exception {
        Matcher m = Pattern.compile("conveyor_stage_records_total\\{[^}]*outcome=\"held\",[^}]*stage=\"" + stage
                + "\"[^}]*\\} (\\S+)").matcher(scrape(metrics));
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
