"""CloudEvents over HTTP with the CNCF CloudEvents SDK (binary and structured mode, extension
attributes), in front of a function of one event."""

import logging

from cloudevents.core.bindings.http import HTTPMessage, from_http_event, to_binary_event
from cloudevents.core.exceptions import BaseCloudEventException
from cloudevents.core.v1.event import CloudEvent

from .log import bind, trace_fields, unbind
from .server import RequestError, Response

logger = logging.getLogger("function")


def cloud_event_function(on_event, source):
    """Turns `on_event(event) -> reply | None` into the function the server runs.

    - `on_event` returns None: the event is acknowledged (HTTP 202).
    - It returns a reply `CloudEvent` (attributes `type` and data are enough; `source` defaults
      to `source`): acknowledged with that event in binary mode, which the Broker publishes.
    - It raises: HTTP 500, and the Broker retries up to the Trigger's delivery policy.
    - Not a valid CloudEvent: HTTP 400, not retried (it goes to the dead-letter sink, if any).
      Batched events get a 415: the SDK's HTTP binding (cloudevents 2.2) reads single events only.
    """

    def handle(request):
        if request.method != "POST":
            raise RequestError(405, "CloudEvents are delivered with POST")
        if request.headers.get("content-type", "").startswith("application/cloudevents-batch+json"):
            raise RequestError(415, "batched CloudEvents are not supported: send one event per request")
        try:
            event = from_http_event(HTTPMessage(headers=request.headers, body=request.text.encode("utf-8")))
        except (BaseCloudEventException, ValueError) as error:
            raise RequestError(400, f"not a valid CloudEvent: {error}") from None
        token = bind(
            **trace_fields(event.get_extension("traceparent")), eventId=event.get_id(), eventType=event.get_type()
        )
        try:
            reply = on_event(event)
        finally:
            unbind(token)
        if reply is None:
            return Response(202)
        attributes = {"source": source, **reply.get_attributes()}
        if isinstance(reply.get_data(), (dict, list)):
            attributes.setdefault("datacontenttype", "application/json")
        message = to_binary_event(CloudEvent(attributes=attributes, data=reply.get_data()))
        return Response(200, message.body, message.headers)

    return handle
