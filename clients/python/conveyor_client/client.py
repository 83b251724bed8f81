"""The client: requests and cancels go out, status events and results come in, over plain Kafka.

Contracts (the service's ``schemas/``): a request is published to ``conveyor.requests`` with
key = job id (JSON or YAML bytes, sent exactly as given); status events arrive on
``conveyor.status`` and the one result per job on ``conveyor.results`` (published in Kafka
transactions: read ``read_committed``); a cancel is a ``job-control`` message on
``conveyor.control``. Records are keyed with Java's partitioner (``murmur2_random``), as every
Conveyor client, so one job's records share a partition whoever produced them.
"""

import json
import os
import re
import time
import uuid
from datetime import datetime, timezone

from confluent_kafka import OFFSET_BEGINNING, OFFSET_END, Consumer, KafkaException, Producer, TopicPartition

JOB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_YAML_ID = re.compile(r"^id:[ \t]*[\"']?([A-Za-z0-9][A-Za-z0-9._-]{0,63})[\"']?[ \t]*(?:#.*)?$", re.MULTILINE)
FINAL_STATES = ("SUCCEEDED", "FAILED", "TIMED_OUT", "CANCELLED", "REJECTED")
DEFAULT_TOPICS = {
    "requests": "conveyor.requests",
    "status": "conveyor.status",
    "results": "conveyor.results",
    "control": "conveyor.control",
}


class ConveyorError(Exception):
    """Kafka could not be reached, or a record could not be published."""


class ResultTimeout(ConveyorError):
    """No result arrived in time (the job may still be running)."""


class DuplicateRequest(ConveyorError):
    """The service refused the request: a job with its id was accepted from another record."""


class Submitted(str):
    """A job id (a ``str``), with where its request record went: ``topic``, ``partition``, ``offset``."""

    def __new__(cls, job_id, topic, partition, offset):
        s = super().__new__(cls, job_id)
        s.topic, s.partition, s.offset = topic, partition, offset
        return s

    @property
    def source(self):
        return "%s/%d/%d" % (self.topic, self.partition, self.offset)


class ConveyorClient:
    """One Kafka cluster's Conveyor. ``config`` adds librdkafka settings (security, SASL, ...)."""

    def __init__(self, bootstrap_servers=None, topics=None, config=None):
        self.bootstrap = bootstrap_servers or os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092")
        self.topics = dict(DEFAULT_TOPICS, **(topics or {}))
        self.config = dict(config or {})
        self._producer = None

    # ---- publishing -------------------------------------------------------------------------

    def submit(self, request, wait=False, timeout=600.0, job_id=None):
        """Publish a request: a dict (sent as JSON), a path to a YAML or JSON file (sent as it is:
        ddeutil-workflow files too), or bytes/str text. The job id is ``job_id``, else the
        request's own ``id``, else a new one (the record key, which the service takes as the id).

        Returns the job id (a :class:`Submitted`); with ``wait=True``, waits for the result that
        answers this very record and returns it (a dict). Raises :class:`DuplicateRequest` when the
        service refuses it as a copy of an accepted job, :class:`ResultTimeout` after ``timeout``."""
        body, own_id = _request_bytes(request)
        job_id = job_id or own_id or "py-" + uuid.uuid4().hex[:20]
        if not JOB_ID.match(job_id):
            raise ValueError("not a valid job id: %r (letters, digits, '.', '_', '-'; at most 64)" % job_id)
        follower = self._follower(from_end=True) if wait else None
        try:
            sent = self._publish(self.topics["requests"], job_id, body, None)
            submitted = Submitted(job_id, sent.topic(), sent.partition(), sent.offset())
            if not wait:
                return submitted
            return self._await(follower, submitted, timeout)
        finally:
            if follower is not None:
                follower.close()

    def cancel(self, job_id, reason="cancelled from the Python client"):
        """Publish a cancel for the job: it stops wherever it is and its result says CANCELLED."""
        message = {"jobId": job_id, "action": "cancel", "reason": reason,
                   "time": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")}
        self._publish(self.topics["control"], job_id, json.dumps(message).encode("utf-8"), "dev.conveyor.job.control")

    def _publish(self, topic, key, value, ce_type):
        headers = None
        if ce_type:
            headers = [("ce_specversion", b"1.0"), ("ce_id", str(uuid.uuid4()).encode()),
                       ("ce_type", ce_type.encode()), ("ce_source", b"conveyor/python"),
                       ("ce_subject", key.encode()),
                       ("ce_time", datetime.now(timezone.utc).isoformat().encode()),
                       ("content-type", b"application/json")]
        outcome = {}

        def delivered(err, msg):
            outcome["err"], outcome["msg"] = err, msg

        producer = self._producer_()
        producer.produce(topic, key=key.encode("utf-8"), value=value, headers=headers, on_delivery=delivered)
        producer.flush(30)
        if outcome.get("err") is not None or "msg" not in outcome:
            raise ConveyorError("cannot publish to %s on %s: %s" % (topic, self.bootstrap, outcome.get("err", "timed out")))
        return outcome["msg"]

    def _producer_(self):
        if self._producer is None:
            config = {"bootstrap.servers": self.bootstrap, "acks": "all", "enable.idempotence": True,
                      "partitioner": "murmur2_random", "message.max.bytes": 16 * 1024 * 1024,
                      "linger.ms": 0, "message.timeout.ms": 30000}
            config.update(self.config)
            self._producer = Producer(config)
        return self._producer

    # ---- reading ----------------------------------------------------------------------------

    def result(self, job_id, timeout=600.0):
        """The job's result (a dict), waiting up to ``timeout`` seconds for it. Reads the results
        topic ``read_committed`` from its beginning: a result published before the call is found too."""
        follower = self._follower(from_end=False, topics=(self.topics["results"],))
        try:
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                for topic, key, value in follower.poll(min(0.5, max(0.0, deadline - time.monotonic()))):
                    if key == job_id:
                        return json.loads(value)
            raise ResultTimeout("no result for job %s within %ss" % (job_id, timeout))
        finally:
            follower.close()

    def status(self, job_id, timeout=None, from_beginning=True):
        """The job's status events (dicts) as they arrive, oldest first (from the start of the
        topic unless ``from_beginning=False``). Ends after the job's final event (SUCCEEDED,
        FAILED, TIMED_OUT, CANCELLED, REJECTED), or when ``timeout`` seconds pass."""
        follower = self._follower(from_end=not from_beginning, topics=(self.topics["status"],))
        try:
            deadline = None if timeout is None else time.monotonic() + timeout
            while deadline is None or time.monotonic() < deadline:
                for topic, key, value in follower.poll(0.5):
                    if key != job_id:
                        continue
                    event = json.loads(value)
                    yield event
                    if "task" not in event and event.get("state") in FINAL_STATES and event.get("stage") == "collection":
                        return
        finally:
            follower.close()

    def _await(self, follower, submitted, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for topic, key, value in follower.poll(0.5):
                if key != submitted:
                    continue
                doc = json.loads(value)
                if topic == self.topics["results"]:
                    request = doc.get("request")
                    if not isinstance(request, str) or request.rsplit("@", 1)[0] == submitted.source:
                        return doc
                elif doc.get("state") == "DUPLICATE" and "task" not in doc and not re.search(
                        re.escape(submitted.source) + r"(?![0-9])", doc.get("message", "")):
                    raise DuplicateRequest("job %s: %s" % (submitted, doc.get("message", "refused as a duplicate")))
        raise ResultTimeout("no result for job %s within %ss" % (submitted, timeout))

    def _follower(self, from_end, topics=None):
        return _Follower(self.bootstrap, self.config, topics or (self.topics["status"], self.topics["results"]), from_end)

    def close(self):
        if self._producer is not None:
            self._producer.flush(10)
            self._producer = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _Follower:
    """A group-less, read_committed consumer over every partition of some topics."""

    def __init__(self, bootstrap, extra, topics, from_end):
        config = {"bootstrap.servers": bootstrap, "group.id": "conveyor-python-" + uuid.uuid4().hex,
                  "enable.auto.commit": False, "isolation.level": "read_committed",
                  "fetch.max.bytes": 64 * 1024 * 1024, "max.partition.fetch.bytes": 16 * 1024 * 1024}
        config.update(extra)
        self.consumer = Consumer(config)
        partitions = []
        for topic in topics:
            metadata = self.consumer.list_topics(topic, timeout=15)
            info = metadata.topics.get(topic)
            if info is None or info.error is not None or not info.partitions:
                raise ConveyorError("topic %s is not on %s (is Conveyor running there?)" % (topic, bootstrap))
            for p in sorted(info.partitions):
                partitions.append(TopicPartition(topic, p, OFFSET_END if from_end else OFFSET_BEGINNING))
        if from_end:
            # Resolve the end offsets now, before anything is published, so nothing is missed.
            resolved = []
            for tp in partitions:
                low, high = self.consumer.get_watermark_offsets(tp, timeout=15)
                resolved.append(TopicPartition(tp.topic, tp.partition, high))
            partitions = resolved
        self.consumer.assign(partitions)

    def poll(self, seconds):
        out = []
        for msg in self.consumer.consume(num_messages=500, timeout=seconds):
            if msg.error() is not None:
                if msg.error().code() == -191:  # _PARTITION_EOF
                    continue
                raise ConveyorError(str(msg.error()))
            key = msg.key().decode("utf-8") if msg.key() is not None else None
            out.append((msg.topic(), key, msg.value()))
        return out

    def close(self):
        self.consumer.close()


def _request_bytes(request):
    """(bytes to publish, the request's own id or None)."""
    if isinstance(request, dict):
        return json.dumps(request).encode("utf-8"), _id(request.get("id"))
    if isinstance(request, (bytes, bytearray)):
        body = bytes(request)
    elif isinstance(request, os.PathLike) or (isinstance(request, str) and "\n" not in request and os.path.isfile(request)):
        with open(request, "rb") as f:
            body = f.read()
    elif isinstance(request, str) and ("\n" in request or request.lstrip().startswith("{")):
        body = request.encode("utf-8")
    else:
        raise FileNotFoundError("no request file %r" % (request,))
    text = body.decode("utf-8", errors="replace")
    if text.lstrip().startswith("{"):
        try:
            doc = json.loads(text)
            return body, _id(doc.get("id")) if isinstance(doc, dict) else None
        except ValueError:
            return body, None  # the service answers a bad request with a REJECTED result
    m = _YAML_ID.search(text)
    return body, m.group(1) if m else None


def _id(value):
    return value if isinstance(value, str) and JOB_ID.match(value) else None


_default = None


def _client():
    global _default
    if _default is None:
        _default = ConveyorClient()
    return _default


def submit(request, wait=False, timeout=600.0, job_id=None):
    """:meth:`ConveyorClient.submit` on ``$KAFKA_BOOTSTRAP_SERVERS``."""
    return _client().submit(request, wait=wait, timeout=timeout, job_id=job_id)


def result(job_id, timeout=600.0):
    """:meth:`ConveyorClient.result` on ``$KAFKA_BOOTSTRAP_SERVERS``."""
    return _client().result(job_id, timeout=timeout)


def status(job_id, timeout=None):
    """:meth:`ConveyorClient.status` on ``$KAFKA_BOOTSTRAP_SERVERS``."""
    return _client().status(job_id, timeout=timeout)


def cancel(job_id, reason="cancelled from the Python client"):
    """:meth:`ConveyorClient.cancel` on ``$KAFKA_BOOTSTRAP_SERVERS``."""
    return _client().cancel(job_id, reason=reason)
