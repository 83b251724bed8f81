"""The Python client against a running Conveyor (a real broker and the five stages).

Run by ``./mvnw verify`` (PythonClientTest starts the embedded broker and the service, then runs
``python3 -m unittest discover -s clients/python/tests``) or by hand against ``./conveyor serve``:

    KAFKA_BOOTSTRAP_SERVERS=localhost:9092 PYTHONPATH=clients/python python3 -m unittest discover -s clients/python/tests -v
"""

import os
import pathlib
import unittest
import uuid

import conveyor_client
from conveyor_client import ConveyorClient, DuplicateRequest

EXAMPLES = pathlib.Path(os.environ.get("CONVEYOR_EXAMPLES", pathlib.Path(__file__).resolve().parents[3] / "examples"))


def new_id(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


class ClientTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.client = ConveyorClient(os.environ["KAFKA_BOOTSTRAP_SERVERS"])

    @classmethod
    def tearDownClass(cls):
        cls.client.close()

    def test_submit_a_yaml_file_and_wait_for_its_result(self):
        result = self.client.submit(EXAMPLES / "hello.yaml", wait=True, timeout=120, job_id=new_id("py-hello"))
        self.assertEqual("SUCCEEDED", result["status"])
        self.assertEqual("Hello, Conveyor\n", result["tasks"][0]["stdoutTail"])
        self.assertEqual(["greeting.txt"], [o["path"] for o in result["tasks"][0]["outputs"]])

    def test_a_ddeutil_workflow_file_is_sent_as_it_is(self):
        job_id = self.client.submit(str(EXAMPLES / "ddeutil-etl.yaml"))
        self.assertTrue(job_id.startswith("py-"), job_id)
        result = self.client.result(job_id, timeout=120)
        self.assertEqual("SUCCEEDED", result["status"], result.get("reason"))
        self.assertEqual("etl-daily", result["name"])

    def test_a_dict_request_its_status_events_then_its_result(self):
        job_id = new_id("py-dict")
        submitted = self.client.submit({"id": job_id, "params": {"who": "python"}, "tasks": [
            {"id": "greet", "command": 'echo "hi $CONVEYOR_PARAM_WHO"; echo who=$CONVEYOR_PARAM_WHO >> "$CONVEYOR_OUTPUTS"'},
            {"id": "after", "needs": ["greet"], "command": "echo done"}]})
        self.assertEqual(job_id, submitted)
        self.assertEqual("conveyor.requests", submitted.topic)
        events = list(self.client.status(job_id, timeout=120))
        job_states = [e["state"] for e in events if "task" not in e]
        self.assertEqual("ACCEPTED", job_states[0])
        self.assertEqual("SUCCEEDED", job_states[-1])
        self.assertIn(("greet", "SUCCEEDED"), [(e.get("task"), e["state"]) for e in events])
        result = self.client.result(job_id, timeout=30)
        self.assertEqual({"who": "python"}, result["tasks"][0]["values"])
        self.assertEqual("hi python\n", result["tasks"][0]["stdoutTail"])

    def test_cancel_stops_a_running_job(self):
        job_id = self.client.submit({"tasks": [{"id": "nap", "command": "echo sleeping; sleep 300"}]})
        for event in self.client.status(job_id, timeout=120):
            if event.get("task") == "nap" and event["state"] == "RUNNING":
                break
        self.client.cancel(job_id, reason="not needed any more")
        result = self.client.result(job_id, timeout=60)
        self.assertEqual("CANCELLED", result["status"])
        self.assertIn("not needed any more", result["reason"])

    def test_a_second_request_with_an_accepted_id_is_refused(self):
        job_id = new_id("py-dup")
        request = {"id": job_id, "tasks": [{"id": "t", "command": "true"}]}
        self.assertEqual("SUCCEEDED", self.client.submit(request, wait=True, timeout=120)["status"])
        with self.assertRaises(DuplicateRequest):
            self.client.submit(request, wait=True, timeout=60)

    def test_the_module_functions_use_the_environment(self):
        job_id = conveyor_client.submit({"tasks": [{"id": "t", "command": "echo module"}]})
        self.assertEqual("SUCCEEDED", conveyor_client.result(job_id, timeout=120)["status"])


if __name__ == "__main__":
    unittest.main()
