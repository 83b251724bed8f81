package dev.conveyor.ui;

import dev.conveyor.model.Json;
import dev.conveyor.storage.JobKeys;
import dev.conveyor.storage.ObjectStore;
import dev.conveyor.storage.SignedUrl;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The web view: the jobs list ({@code /ui}), one job ({@code /ui/jobs/<id>}), their live updates
 * (server-sent events of changed job ids; the pages fetch the parts that changed), the throughput
 * series, a task's full logs and output files (a URL minted per click), and cancel.
 */
@Path("/ui")
@Blocking
public class UiResource {
    private static final Pattern ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");

    @Inject
    UiService ui;
    @Location("ui/jobs.html")
    Template jobs;
    @Location("ui/rows.html")
    Template rows;
    @Location("ui/job.html")
    Template job;
    @Location("ui/jobbody.html")
    Template jobBody;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance list(@QueryParam("state") String state, @QueryParam("label") String label,
                                 @QueryParam("backend") String backend, @QueryParam("q") String q,
                                 @QueryParam("page") @DefaultValue("1") int page) {
        return jobs.data("p", page(state, label, backend, q, page));
    }

    @GET
    @Path("rows")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance rows(@QueryParam("state") String state, @QueryParam("label") String label,
                                 @QueryParam("backend") String backend, @QueryParam("q") String q,
                                 @QueryParam("page") @DefaultValue("1") int page) {
        return rows.data("p", page(state, label, backend, q, page));
    }

    private JobPage page(String state, String label, String backend, String q, int page) {
        return ui.board().page(new JobBoard.JobFilter(state, label, backend, q), page, ui.config().pageSize());
    }

    /** The id of every job that changed, as it changes; a comment every 15 s keeps the stream open. */
    @GET
    @Path("events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.TEXT_PLAIN)
    public Multi<String> events() {
        Multi<String> ticks = Multi.createFrom().ticks().every(Duration.ofSeconds(15)).map(t -> "-");
        return Multi.createBy().merging().streams(ui.board().changes(), ticks);
    }

    @GET
    @Path("throughput")
    @Produces(MediaType.APPLICATION_JSON)
    public String throughput() {
        return Json.write(ui.board().throughput());
    }

    @GET
    @Path("jobs/{id}")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance job(@PathParam("id") String id) throws IOException {
        return job.data("d", details(id)).data("s", summary(id));
    }

    @GET
    @Path("jobs/{id}/live")
    @Produces(MediaType.TEXT_HTML)
    public TemplateInstance jobLive(@PathParam("id") String id) throws IOException {
        return jobBody.data("d", details(id)).data("s", summary(id));
    }

    private JobDetails details(String id) throws IOException {
        check(id);
        JobDetails d = JobDetails.load(ui.store(), id);
        if (!d.known() && ui.board().job(id).isEmpty()) {
            throw new WebApplicationException(Response.status(404).type(MediaType.TEXT_PLAIN)
                    .entity("No job " + id + " is known here\n").build());
        }
        return d;
    }

    private JobSummary summary(String id) {
        return ui.board().job(id).orElse(null);
    }

    @GET
    @Path("jobs/{id}/request")
    @Produces(MediaType.TEXT_PLAIN)
    public String request(@PathParam("id") String id) throws IOException {
        check(id);
        return ui.requests().text(id).orElse("(the request record is no longer on the requests topic; "
                + "the spec below is the request as submission normalised it)");
    }

    /**
     * Publishes a cancel for the job. Only the page's own script can call it: it must send the
     * {@code X-Conveyor-UI} header, which a form or link of another site cannot.
     */
    @POST
    @Path("jobs/{id}/cancel")
    @Produces(MediaType.TEXT_PLAIN)
    public Response cancel(@PathParam("id") String id, @HeaderParam("X-Conveyor-UI") String marker) throws Exception {
        check(id);
        if (!"cancel".equals(marker)) {
            return Response.status(403).entity("cancel only from the web view's page\n").build();
        }
        Optional<JobSummary> known = ui.board().job(id);
        if (known.isPresent() && known.get().finished()) {
            return Response.status(409).entity("job " + id + " already finished: " + known.get().state() + "\n").build();
        }
        if (known.isEmpty() && !JobDetails.load(ui.store(), id).known()) {
            return Response.status(404).entity("no job " + id + "\n").build();
        }
        ui.control().cancel(id, "cancelled from the web view");
        return Response.accepted("Cancel requested for job " + id + "\n").build();
    }

    @GET
    @Path("jobs/{id}/tasks/{task}/attempts/{attempt}/logs/{stream}")
    @Produces(MediaType.TEXT_PLAIN)
    public Response log(@PathParam("id") String id, @PathParam("task") String task, @PathParam("attempt") int attempt,
                        @PathParam("stream") String stream) throws IOException {
        check(id);
        check(task);
        if (!stream.equals("stdout") && !stream.equals("stderr")) {
            throw new WebApplicationException(404);
        }
        String key = JobKeys.attempt(id, task, attempt) + stream + ".txt";
        InputStream in;
        try {
            in = ui.store().get(ObjectStore.checkKey(key));
        } catch (NoSuchFileException e) {
            return Response.status(404).entity("no " + stream + " for attempt " + attempt + " of task " + task + "\n").build();
        }
        StreamingOutput body = out -> {
            try (in; BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                 Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    w.write(Redaction.text(line));
                    w.write('\n');
                }
            }
        };
        return Response.ok(body, "text/plain; charset=utf-8").header("Cache-Control", "no-store").build();
    }

    /**
     * One output file: a read URL for exactly this object, minted now and valid for
     * {@code conveyor.ui.link-validity}, to which the browser is sent (303); a store whose URLs a
     * browser cannot open (the {@code file} store) is read through the service instead.
     */
    @GET
    @Path("jobs/{id}/tasks/{task}/attempts/{attempt}/outputs/{path: .+}")
    public Response output(@PathParam("id") String id, @PathParam("task") String task, @PathParam("attempt") int attempt,
                           @PathParam("path") String path) throws IOException {
        check(id);
        check(task);
        String key;
        try {
            key = ObjectStore.checkKey(JobKeys.attempt(id, task, attempt) + "outputs/" + path);
        } catch (IllegalArgumentException e) {
            throw new WebApplicationException(404);
        }
        SignedUrl url = ui.store().readUrl(key, Instant.now().plus(ui.config().linkValidity()));
        String scheme = url.url().getScheme();
        if ("https".equalsIgnoreCase(scheme) || "http".equalsIgnoreCase(scheme)) {
            return Response.seeOther(url.url()).header("Cache-Control", "no-store").build();
        }
        InputStream in;
        try {
            in = ui.store().get(key);
        } catch (NoSuchFileException e) {
            return Response.status(404).entity("no output " + path + "\n").build();
        }
        String file = path.substring(path.lastIndexOf('/') + 1).replace("\"", "");
        StreamingOutput body = out -> {
            try (in) {
                in.transferTo(out);
            }
        };
        return Response.ok(body, MediaType.APPLICATION_OCTET_STREAM)
                .header("Content-Disposition", "attachment; filename=\"" + file + "\"")
                .header("Cache-Control", "no-store").build();
    }

    private static void check(String id) {
        if (id == null || !ID.matcher(id).matches() || id.equals(".") || id.equals("..")) {
            throw new WebApplicationException(Response.status(404).type(MediaType.TEXT_PLAIN)
                    .entity("not a job or task id\n").build());
        }
    }
}
