"""A Python client for Conveyor, on confluent-kafka.

    from conveyor_client import ConveyorClient

    client = ConveyorClient("localhost:9092")
    job_id = client.submit("examples/hello.yaml")            # a path (YAML or JSON, ddeutil files too) or a dict
    for event in client.status(job_id, timeout=60):          # the job's status events, as they come
        print(event["stage"], event["state"], event.get("task", ""))
    result = client.result(job_id, timeout=600)              # the one result (read_committed)
    client.cancel(job_id)                                    # publish a cancel on the control topic

The module-level functions do the same with a client for ``$KAFKA_BOOTSTRAP_SERVERS``.
"""

from .client import (
    ConveyorClient,
    ConveyorError,
    DuplicateRequest,
    ResultTimeout,
    Submitted,
    cancel,
    result,
    status,
    submit,
)

__all__ = [
    "ConveyorClient",
    "ConveyorError",
    "DuplicateRequest",
    "ResultTimeout",
    "Submitted",
    "cancel",
    "result",
    "status",
    "submit",
]
__version__ = "0.1.0"
