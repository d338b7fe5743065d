package main

import (
	"context"
	"log/slog"

	cloudevents "github.com/cloudevents/sdk-go/v2"
)

// OnEvent is the function itself: called once per CloudEvent that the Trigger in the GitOps
// folder lets through from the team's Broker. The server around it (cloudevents.go, server.go)
// reads the event and answers the Broker.
//
//   - Return nil, nil to acknowledge the event (HTTP 202).
//   - Return a reply event (a type and data are enough) to acknowledge it with that event, which
//     the Broker publishes. Make sure the Trigger's filter does not match the reply's type, or
//     the function receives its own replies.
//   - Return an error to have the Broker retry the delivery (HTTP 500), up to the Trigger's
//     delivery policy.
func OnEvent(ctx context.Context, event cloudevents.Event, logger *slog.Logger) (*cloudevents.Event, error) {
	logger.Info("event received", "eventSource", event.Source(), "eventSubject", event.Subject())
	return nil, nil
}

// Handle is what the server runs: OnEvent behind the CloudEvents SDK.
var Handle = CloudEventFunction(OnEvent, "/${{ values.team }}/${{ values.name }}")
