package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	cloudevents "github.com/cloudevents/sdk-go/v2"
	"github.com/cloudevents/sdk-go/v2/binding"
	cehttp "github.com/cloudevents/sdk-go/v2/protocol/http"
)

const testTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

func orderEvent(id string) cloudevents.Event {
	event := cloudevents.NewEvent()
	event.SetID(id)
	event.SetSource("/payments/checkout")
	event.SetType("com.atonixcorp.order.created")
	event.SetExtension("traceparent", testTraceparent)
	_ = event.SetData(cloudevents.ApplicationJSON, map[string]int{"orderId": 42})
	return event
}

// request encodes event as the Broker would, in binary or (forced) structured mode.
func request(t *testing.T, event cloudevents.Event, structured bool, logs *lockedBuffer) Request {
	t.Helper()
	ctx := context.Background()
	if structured {
		ctx = binding.WithForceStructured(ctx)
	}
	written, _ := http.NewRequest(http.MethodPost, "/", nil)
	if err := cehttp.WriteRequest(ctx, binding.ToMessage(&event), written); err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(written.Body)
	return Request{Method: http.MethodPost, Path: "/", Header: written.Header, Raw: raw, Logger: NewLogger(logs)}
}

func TestCloudEventFunction(t *testing.T) {
	t.Run("reads binary and structured mode alike, extension attributes included", func(t *testing.T) {
		for _, structured := range []bool{false, true} {
			var seen []cloudevents.Event
			handle := CloudEventFunction(func(ctx context.Context, event cloudevents.Event, logger *slog.Logger) (*cloudevents.Event, error) {
				seen = append(seen, event)
				return nil, nil
			}, "/payments/charge-card")
			res := handle(request(t, orderEvent("evt-1"), structured, &lockedBuffer{}))
			if res.Status != http.StatusAccepted || len(seen) != 1 || seen[0].ID() != "evt-1" || seen[0].Extensions()["traceparent"] != testTraceparent {
				t.Fatalf("structured=%v: got %d %v", structured, res.Status, seen)
			}
		}
	})

	t.Run("logs with the event's id, type and trace context", func(t *testing.T) {
		logs := &lockedBuffer{}
		handle := CloudEventFunction(func(ctx context.Context, event cloudevents.Event, logger *slog.Logger) (*cloudevents.Event, error) {
			logger.Info("charged")
			return nil, nil
		}, "/payments/charge-card")
		handle(request(t, orderEvent("evt-1"), false, logs))
		line := logs.Lines(t)[0]
		if line["eventId"] != "evt-1" || line["eventType"] != "com.atonixcorp.order.created" || line["traceId"] != "4bf92f3577b34da6a3ce929d0e0e4736" {
			t.Fatalf("unexpected log line %v", line)
		}
	})

	t.Run("answers with a binary-mode reply event when the function returns one", func(t *testing.T) {
		handle := CloudEventFunction(func(ctx context.Context, event cloudevents.Event, logger *slog.Logger) (*cloudevents.Event, error) {
			reply := cloudevents.NewEvent()
			reply.SetType("com.atonixcorp.card.charged")
			_ = reply.SetData(cloudevents.ApplicationJSON, map[string]int{"orderId": 42})
			return &reply, nil
		}, "/payments/charge-card")
		res := handle(request(t, orderEvent("evt-1"), false, &lockedBuffer{}))
		message := cehttp.NewMessage(res.Header, io.NopCloser(bytes.NewReader(res.Body.([]byte))))
		reply, err := binding.ToEvent(context.Background(), message)
		if err != nil || res.Status != http.StatusOK || reply.Type() != "com.atonixcorp.card.charged" || reply.Source() != "/payments/charge-card" || reply.ID() == "" {
			t.Fatalf("got %d %v %v", res.Status, reply, err)
		}
	})

	t.Run("handles every event of a batch and acknowledges it without replies", func(t *testing.T) {
		var seen []string
		handle := CloudEventFunction(func(ctx context.Context, event cloudevents.Event, logger *slog.Logger) (*cloudevents.Event, error) {
			seen = append(seen, event.ID())
			return nil, nil
		}, "/payments/charge-card")
		first, second := orderEvent("evt-1"), orderEvent("evt-2")
		var batch bytes.Buffer
		batch.WriteString("[")
		for i, event := range []cloudevents.Event{first, second} {
			encoded, _ := event.MarshalJSON()
			if i > 0 {
				batch.WriteString(",")
			}
			batch.Write(encoded)
		}
		batch.WriteString("]")
		header := http.Header{"Content-Type": {"application/cloudevents-batch+json"}}
		res := handle(Request{Method: http.MethodPost, Header: header, Raw: batch.Bytes(), Logger: NewLogger(&lockedBuffer{})})
		if res.Status != http.StatusAccepted || strings.Join(seen, ",") != "evt-1,evt-2" {
			t.Fatalf("got %d %v", res.Status, seen)
		}
	})

	t.Run("refuses what is not a valid CloudEvent with a 400, and answers 500 when the function fails", func(t *testing.T) {
		handle := CloudEventFunction(func(ctx context.Context, event cloudevents.Event, logger *slog.Logger) (*cloudevents.Event, error) {
			return nil, errors.New("card service down")
		}, "/payments/charge-card")
		plain := Request{Method: http.MethodPost, Header: http.Header{"Content-Type": {"application/json"}}, Raw: []byte(`{}`), Logger: NewLogger(&lockedBuffer{})}
		if res := handle(plain); res.Status != http.StatusBadRequest {
			t.Fatalf("plain JSON: got %d", res.Status)
		}
		noSource := request(t, orderEvent("evt-1"), false, &lockedBuffer{})
		noSource.Header.Del("Ce-Source")
		if res := handle(noSource); res.Status != http.StatusBadRequest {
			t.Fatalf("no source: got %d", res.Status)
		}
		if res := handle(request(t, orderEvent("evt-1"), false, &lockedBuffer{})); res.Status != http.StatusInternalServerError {
			t.Fatalf("failing function: got %d", res.Status)
		}
	})
}
