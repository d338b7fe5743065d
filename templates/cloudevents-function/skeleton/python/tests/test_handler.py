import unittest

from cloudevents.core.v1.event import CloudEvent

from app.handler import on_event


class OnEventTest(unittest.TestCase):
    def test_acknowledges_an_order_event_and_logs_where_it_came_from(self):
        event = CloudEvent(
            attributes={"source": "/payments/checkout", "type": "com.atonixcorp.order.created", "subject": "order-42"},
            data={"orderId": 42},
        )
        with self.assertLogs("function") as logs:
            self.assertIsNone(on_event(event))
        self.assertEqual(logs.records[0].getMessage(), "event received")
        self.assertEqual(logs.records[0].fields["eventSubject"], "order-42")


if __name__ == "__main__":
    unittest.main()
