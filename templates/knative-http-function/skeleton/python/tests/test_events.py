"""The saved test events are what `python3 -m scripts.invoke` and the portal's Test button send:
each one must still get the answer it expects."""

import unittest

from app.main import app
from scripts.invoke import saved_events, send
from tests.serve import RunningApp


class SavedEventsTest(unittest.TestCase):
    def test_every_saved_event_gets_the_status_it_expects(self):
        events = saved_events()
        self.assertTrue(events, "events/ holds no saved test event")
        with RunningApp(app) as running:
            for event in events:
                with self.subTest(event["name"], description=event["description"]):
                    status, _, _ = send(event, running.base)
                    if "expect" in event:
                        self.assertEqual(status, event["expect"]["status"])


if __name__ == "__main__":
    unittest.main()
