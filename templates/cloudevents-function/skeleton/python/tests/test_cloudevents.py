import json
import unittest
import urllib.error
import urllib.request

from cloudevents.core.bindings.http import HTTPMessage, from_http_event, to_binary_event, to_structured_event
from cloudevents.core.v1.event import CloudEvent

from app.cloudevents import cloud_event_function
from app.log import Logger
from app.server import create_app
from tests.serve import RunningApp

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def order(event_id="evt-1"):
    return CloudEvent(
        attributes={
            "id": event_id,
            "source": "/payments/checkout",
            "type": "com.atonixcorp.order.created",
            "datacontenttype": "application/json",
            "traceparent": TRACEPARENT,
        },
        data={"orderId": 42},
    )


def post(running, headers, body):
    req = urllib.request.Request(running.base + "/", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req) as res:
            return res.status, dict(res.headers), res.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class CloudEventFunctionTest(unittest.TestCase):
    def serve(self, on_event):
        return RunningApp(create_app(cloud_event_function(on_event, source="/payments/charge-card")))

    def test_reads_binary_and_structured_mode_alike_extension_attributes_included(self):
        seen = []
        with self.serve(seen.append) as running:
            for message in (to_binary_event(order()), to_structured_event(order())):
                status, _, _ = post(running, message.headers, message.body)
                self.assertEqual(status, 202)
        self.assertEqual([event.get_id() for event in seen], ["evt-1", "evt-1"])
        self.assertEqual(seen[0].get_data(), {"orderId": 42})
        self.assertEqual(seen[1].get_extension("traceparent"), TRACEPARENT)

    def test_logs_with_the_events_id_type_and_trace_context(self):
        with self.serve(lambda event: Logger().info("charged")) as running:
            message = to_binary_event(order())
            post(running, message.headers, message.body)
            line = next(line for line in running.log_lines() if line["msg"] == "charged")
        self.assertEqual(line["eventId"], "evt-1")
        self.assertEqual(line["eventType"], "com.atonixcorp.order.created")
        self.assertEqual(line["traceId"], "4bf92f3577b34da6a3ce929d0e0e4736")

    def test_answers_with_a_binary_mode_reply_event_when_the_function_returns_one(self):
        def charge(event):
            return CloudEvent(attributes={"type": "com.atonixcorp.card.charged", "source": "/payments/charge-card"}, data=event.get_data())

        with self.serve(charge) as running:
            message = to_binary_event(order())
            status, headers, body = post(running, message.headers, message.body)
        self.assertEqual(status, 200)
        reply = from_http_event(HTTPMessage(headers={k.lower(): v for k, v in headers.items()}, body=body))
        self.assertEqual(reply.get_type(), "com.atonixcorp.card.charged")
        self.assertEqual(reply.get_data(), {"orderId": 42})

    def test_refuses_what_is_not_a_valid_cloudevent_and_batches_and_answers_500_when_the_function_fails(self):
        def fail(event):
            raise RuntimeError("card service down")

        with self.serve(fail) as running:
            self.assertEqual(post(running, {"content-type": "application/json"}, b"{}")[0], 400)
            batch = json.dumps([json.loads(to_structured_event(order()).body)]).encode()
            self.assertEqual(post(running, {"content-type": "application/cloudevents-batch+json"}, batch)[0], 415)
            message = to_binary_event(order())
            self.assertEqual(post(running, message.headers, message.body)[0], 500)


if __name__ == "__main__":
    unittest.main()
