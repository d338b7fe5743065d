import json
import unittest
import urllib.error
import urllib.request

from app.log import trace_fields
from app.server import RequestError, Response, create_app
from tests.serve import RunningApp

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def echo(request):
    if "fail" in request.query:
        raise RuntimeError("card service down")
    if "refuse" in request.query:
        raise RequestError(422, "no card given")
    return Response(200, {"method": request.method, "body": request.body})


class FunctionServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.running = RunningApp(create_app(echo)).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.running.__exit__(None, None, None)

    def fetch(self, path, body=None, headers=None):
        data = body.encode("utf-8") if body is not None else None
        req = urllib.request.Request(
            self.running.base + path, data=data, headers={"Content-Type": "application/json", **(headers or {})}
        )
        try:
            with urllib.request.urlopen(req) as res:
                return res.status, json.loads(res.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def test_answers_the_health_check_without_logging_it(self):
        self.running.clear_logs()
        self.assertEqual(self.fetch("/healthz"), (200, {"status": "ok"}))
        self.assertEqual(self.running.log_lines(), [])

    def test_passes_json_bodies_to_the_handler_and_returns_its_answer(self):
        self.assertEqual(
            self.fetch("/", json.dumps({"name": "Ada"})), (200, {"method": "POST", "body": {"name": "Ada"}})
        )

    def test_answers_400_to_a_body_that_is_not_json_and_the_status_of_a_request_error(self):
        self.assertEqual(self.fetch("/", "{not json")[0], 400)
        self.assertEqual(self.fetch("/?refuse"), (422, {"error": "no card given"}))

    def test_answers_500_without_details_when_the_handler_raises_and_logs_the_error(self):
        self.running.clear_logs()
        self.assertEqual(self.fetch("/?fail"), (500, {"error": "internal error"}))
        errors = [line for line in self.running.log_lines() if line["level"] == "error"]
        self.assertIn("card service down", errors[0]["error"])

    def test_logs_one_json_line_per_request_with_the_trace_context_of_the_caller(self):
        self.running.clear_logs()
        self.fetch("/?name=Ada", headers={"traceparent": TRACEPARENT})
        lines = self.running.log_lines()
        self.assertEqual(len(lines), 1)
        self.assertEqual(lines[0]["level"], "info")
        self.assertEqual(lines[0]["path"], "/")
        self.assertEqual(lines[0]["status"], 200)
        self.assertEqual(lines[0]["traceId"], "4bf92f3577b34da6a3ce929d0e0e4736")
        self.assertEqual(lines[0]["spanId"], "00f067aa0ba902b7")
        self.assertIsInstance(lines[0]["time"], str)


class TraceFieldsTest(unittest.TestCase):
    def test_reads_the_trace_and_parent_span_ids_of_a_w3c_traceparent(self):
        self.assertEqual(
            trace_fields(TRACEPARENT), {"traceId": "4bf92f3577b34da6a3ce929d0e0e4736", "spanId": "00f067aa0ba902b7"}
        )

    def test_ignores_a_missing_malformed_or_all_zero_traceparent(self):
        for value in [None, "nonsense", TRACEPARENT.upper(), "00-" + "0" * 32 + "-00f067aa0ba902b7-01"]:
            self.assertEqual(trace_fields(value), {})


if __name__ == "__main__":
    unittest.main()
