package main

import (
	"context"
	"testing"

	cloudevents "github.com/cloudevents/sdk-go/v2"
)

func TestOnEvent(t *testing.T) {
	logs := &lockedBuffer{}
	event := cloudevents.NewEvent()
	event.SetID("evt-1")
	event.SetSource("/payments/checkout")
	event.SetType("com.atonixcorp.order.created")
	event.SetSubject("order-42")
	reply, err := OnEvent(context.Background(), event, NewLogger(logs))
	if reply != nil || err != nil {
		t.Fatalf("got %v, %v; want the event acknowledged", reply, err)
	}
	lines := logs.Lines(t)
	if len(lines) != 1 || lines[0]["msg"] != "event received" || lines[0]["eventSubject"] != "order-42" {
		t.Fatalf("unexpected log lines %v", lines)
	}
}
