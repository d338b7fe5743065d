import unittest

from app.handler import handle
from app.server import Request


def request(query=None, body=None):
    return Request(method="GET", path="/", query=query or {}, body=body)


class HandleTest(unittest.TestCase):
    def test_greets_the_world_by_default(self):
        response = handle(request())
        self.assertEqual(response.status, 200)
        self.assertEqual(response.body, {"message": "Hello, world!"})

    def test_greets_the_name_from_the_query_string_or_the_json_body(self):
        self.assertEqual(handle(request(query={"name": ["Ada"]})).body, {"message": "Hello, Ada!"})
        self.assertEqual(handle(request(body={"name": "Grace"})).body, {"message": "Hello, Grace!"})

    def test_rejects_a_name_that_is_not_a_short_string(self):
        self.assertEqual(handle(request(body={"name": 42})).status, 400)
        self.assertEqual(handle(request(query={"name": ["x" * 101]})).status, 400)


if __name__ == "__main__":
    unittest.main()
