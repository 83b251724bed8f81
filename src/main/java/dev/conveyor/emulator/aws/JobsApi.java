package dev.conveyor.emulator.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** SubmitJob, DescribeJobs, ListJobs, TerminateJob, CancelJob. */
final class JobsApi {

    static final int MAX_DESCRIBE = 100;

    private final ObjectMapper json;
    private final JobEngine engine;
    private final JobFactory factory;
    private final JobRenderer renderer;
    private final ComputeCatalog catalog;
    private final JobListing listing;

    JobsApi(ObjectMapper json, JobEngine engine, JobDefinitionRegistry definitions, ComputeCatalog catalog, Arns arns) {
        this.json = json;
        this.engine = engine;
        this.factory = new JobFactory(json, engine, definitions, catalog);
        this.renderer = new JobRenderer(json, arns);
        this.catalog = catalog;
        this.listing = new JobListing();
    }

    void register(Router router) {
        router.batch("SubmitJob", this::submitJob);
        router.batch("DescribeJobs", this::describeJobs);
        router.batch("ListJobs", this::listJobs);
        router.batch("TerminateJob", this::terminateJob);
        router.batch("CancelJob", this::cancelJob);
    }

    JsonNode submitJob(ObjectNode request) {
        BatchJob job = factory.create(request);
        engine.add(job);
        ObjectNode response = json.createObjectNode();
        response.put("jobArn", job.jobArn);
        response.put("jobName", job.spec.jobName());
        response.put("jobId", job.jobId);
        return response;
    }

    JsonNode describeJobs(ObjectNode request) {
        if (!Requests.has(request, "jobs")) {
            throw ApiException.client("jobs is required");
        }
        List<String> ids = Requests.strings(request, "jobs", MAX_DESCRIBE);
        ObjectNode response = json.createObjectNode();
        ArrayNode list = response.putArray("jobs");
        synchronized (engine.lock()) {
            for (String id : ids) {
                engine.job(id).ifPresent(job -> list.add(renderer.detail(job)));
            }
        }
        return response;
    }

    JsonNode listJobs(ObjectNode request) {
        if (Requests.has(request, "multiNodeJobId")) {
            throw ApiException.client("The emulator does not support multi-node parallel jobs");
        }
        String arrayJobId = Requests.text(request, "arrayJobId");
        String queueName = null;
        if (arrayJobId == null) {
            String queueRef = Requests.text(request, "jobQueue");
            if (queueRef == null) {
                throw ApiException.client("jobQueue, arrayJobId or multiNodeJobId must be specified");
            }
            queueName = catalog.queue(queueRef)
                    .orElseThrow(() -> ApiException.client("JobQueue " + queueRef + " not found")).name();
        }
        JobListing.Filter filter = listing.filter(request);
        ObjectNode response = json.createObjectNode();
        ArrayNode list = response.putArray("jobSummaryList");
        synchronized (engine.lock()) {
            List<BatchJob> candidates = new ArrayList<>();
            if (arrayJobId != null) {
                engine.job(arrayJobId).ifPresent(parent -> candidates.addAll(parent.children));
            } else {
                for (BatchJob job : engine.jobs()) {
                    if (!job.isArrayChild() && job.spec.queueName().equals(queueName)) {
                        candidates.add(job);
                    }
                }
            }
            Paging.Page<BatchJob> page = listing.page(candidates, filter, request);
            page.items().forEach(job -> list.add(renderer.summary(job)));
            if (page.nextToken() != null) {
                response.put("nextToken", page.nextToken());
            }
        }
        return response;
    }

    JsonNode terminateJob(ObjectNode request) {
        BatchJob job = find(request);
        engine.terminate(job, Requests.required(request, "reason"));
        return json.createObjectNode();
    }

    JsonNode cancelJob(ObjectNode request) {
        BatchJob job = find(request);
        engine.cancel(job, Requests.required(request, "reason"));
        return json.createObjectNode();
    }

    private BatchJob find(ObjectNode request) {
        String id = Requests.required(request, "jobId");
        Optional<BatchJob> job = engine.job(id);
        return job.orElseThrow(() -> ApiException.client("Job " + id + " not found"));
    }
}
