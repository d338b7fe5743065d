import io
import json
import threading
import unittest
import urllib.error
import urllib.request

from app.log import Logger
from app.server import create_server


class FunctionServerTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.logs = io.StringIO()
        cls.server = create_server(0, Logger(cls.logs), host="127.0.0.1")
        cls.base = f"http://127.0.0.1:{cls.server.server_address[1]}"
        cls.thread = threading.Thread(target=cls.server.serve_forever)
        cls.thread.start()

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()
        cls.thread.join()

    def fetch(self, path, body=None, content_type="application/json"):
        data = body.encode("utf-8") if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, headers={"Content-Type": content_type})
        try:
            with urllib.request.urlopen(req) as res:
                return res.status, json.loads(res.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def test_answers_the_health_check(self):
        self.assertEqual(self.fetch("/healthz"), (200, {"status": "ok"}))

    def test_passes_json_bodies_to_the_handler_and_returns_its_answer(self):
        self.assertEqual(self.fetch("/", json.dumps({"name": "Ada"})), (200, {"message": "Hello, Ada!"}))

    def test_answers_400_to_a_body_that_is_not_json(self):
        self.assertEqual(self.fetch("/", "{not json")[0], 400)

    def test_logs_one_json_line_per_request(self):
        self.logs.seek(0)
        self.logs.truncate()
        self.fetch("/?name=Ada")
        lines = [json.loads(line) for line in self.logs.getvalue().splitlines()]
        self.assertEqual(len(lines), 1)
        self.assertEqual(lines[0]["level"], "info")
        self.assertEqual(lines[0]["path"], "/")
        self.assertEqual(lines[0]["status"], 200)
        self.assertIsInstance(lines[0]["time"], str)


if __name__ == "__main__":
    unittest.main()
