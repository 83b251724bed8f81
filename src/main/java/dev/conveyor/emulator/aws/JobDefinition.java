package dev.conveyor.emulator.aws;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** One revision of a job definition; {@code body} is the registered content, as DescribeJobDefinitions shows it. */
final class JobDefinition {

    private final String name;
    private final int revision;
    private final String arn;
    private final ObjectNode body;
    private volatile String status = "ACTIVE";

    JobDefinition(String name, int revision, String arn, ObjectNode body) {
        this.name = name;
        this.revision = revision;
        this.arn = arn;
        this.body = body;
    }

    String name() { return name; }
    int revision() { return revision; }
    String arn() { return arn; }
    String status() { return status; }
    boolean active() { return "ACTIVE".equals(status); }
    void deregister() { status = "INACTIVE"; }

    /** Sort key: name, then revision numerically. */
    String key() {
        return name + ":" + String.format("%010d", revision);
    }

    /** The registered content (do not modify). */
    ObjectNode body() {
        return body;
    }

    /** What DescribeJobDefinitions answers for this revision. */
    ObjectNode render() {
        ObjectNode node = body.deepCopy();
        node.put("jobDefinitionName", name);
        node.put("jobDefinitionArn", arn);
        node.put("revision", revision);
        node.put("status", status);
        return node;
    }
}
