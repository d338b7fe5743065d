"""The function itself: called once per CloudEvent that the Trigger in the GitOps folder lets
through from the team's Broker (`event` is the CNCF SDK's CloudEvent: `get_id()`, `get_source()`,
`get_type()`, `get_subject()`, `get_data()`, `get_extension(name)`). The server around it
(app/cloudevents.py, app/server.py) reads the event and answers the Broker.

- Return None to acknowledge the event (HTTP 202).
- Return a `CloudEvent` to acknowledge it with a reply event, which the Broker publishes. Make sure
  the Trigger's filter does not match the reply's type, or the function receives its own replies.
- Raise to have the Broker retry the delivery (HTTP 500), up to the Trigger's delivery policy.
"""

from .cloudevents import cloud_event_function
from .log import Logger

logger = Logger()


def on_event(event):
    logger.info("event received", eventSource=event.get_source(), eventSubject=event.get_subject())
    return None


handle = cloud_event_function(on_event, source="/${{ values.team }}/${{ values.name }}")
