package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/binding"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
	"github.com/google/uuid"
)

// EventFunction is a function of one CloudEvent. It returns nil to acknowledge the event (HTTP 202),
// a reply event to acknowledge it with that event (the Broker publishes it), or an error to have
// the Broker retry the delivery (HTTP 500).
type EventFunction func(ctx context.Context, event cloudevents.Event, logger *slog.Logger) (*cloudevents.Event, error)

func refuse(status int, format string, args ...any) Response {
	return Response{Status: status, Body: map[string]string{"error": fmt.Sprintf(format, args...)}}
}

// CloudEventFunction turns onEvent into the function the server runs, reading events with the
// CNCF CloudEvents SDK (binary and structured mode, batches, extension attributes). Invalid
// events get a 400 (not retried: they go to the Trigger's dead-letter sink, if any); a batch is
// acknowledged without replies (the HTTP binding has no batched reply), and a dropped reply is
// logged. Reply events come from source, in binary mode.
func CloudEventFunction(onEvent EventFunction, source string) func(Request) Response {
	return func(req Request) Response {
		if req.Method != http.MethodPost {
			return refuse(http.StatusMethodNotAllowed, "CloudEvents are delivered with POST")
		}
		ctx := context.Background()
		message := cehttp.NewMessage(req.Header, io.NopCloser(bytes.NewReader(req.Raw)))
		var events []cloudevents.Event
		var err error
		switch message.ReadEncoding() {
		case binding.EncodingUnknown:
			return refuse(http.StatusBadRequest, "not a CloudEvent: send ce-* headers (binary mode) or content-type application/cloudevents+json (structured mode)")
		case binding.EncodingBatch:
			events, err = binding.ToEvents(ctx, message, bytes.NewReader(req.Raw))
		default:
			var event *cloudevents.Event
			if event, err = binding.ToEvent(ctx, message); err == nil {
				events = []cloudevents.Event{*event}
			}
		}
		for i := 0; err == nil && i < len(events); i++ {
			err = events[i].Validate()
		}
		if err != nil {
			return refuse(http.StatusBadRequest, "not a valid CloudEvent: %v", err)
		}
		var reply *cloudevents.Event
		for _, event := range events {
			traceparent, _ := event.Extensions()["traceparent"].(string)
			logger := req.Logger.With(TraceAttrs(traceparent)...).With("eventId", event.ID(), "eventType", event.Type())
			eventReply, err := onEvent(ctx, event, logger)
			if err != nil {
				logger.Error("handler failed", "error", err.Error())
				return refuse(http.StatusInternalServerError, "internal error")
			}
			if eventReply != nil && len(events) > 1 {
				logger.Error("reply dropped: a batch cannot be answered with events", "replyType", eventReply.Type())
			} else if eventReply != nil {
				reply = eventReply
			}
		}
		if reply == nil || len(events) > 1 {
			return Response{Status: http.StatusAccepted}
		}
		return replyResponse(ctx, *reply, source)
	}
}

// replyResponse writes reply in binary mode, filling in its source, id and time if unset.
func replyResponse(ctx context.Context, reply cloudevents.Event, source string) Response {
	if reply.Source() == "" {
		reply.SetSource(source)
	}
	if reply.ID() == "" {
		reply.SetID(uuid.NewString())
	}
	if reply.Time().IsZero() {
		reply.SetTime(time.Now())
	}
	if err := reply.Validate(); err != nil {
		panic(fmt.Sprintf("the reply event is not valid: %v", err))
	}
	written, _ := http.NewRequest(http.MethodPost, "/", nil)
	if err := cehttp.WriteRequest(ctx, binding.ToMessage(&reply), written); err != nil {
		panic(fmt.Sprintf("the reply event could not be written: %v", err))
	}
	body := []byte{}
	if written.Body != nil {
		var err error
		if body, err = io.ReadAll(written.Body); err != nil && !errors.Is(err, io.EOF) {
			panic(err)
		}
	}
	return Response{Status: http.StatusOK, Header: written.Header, Body: body}
}
