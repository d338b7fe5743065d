package main

import (
	"io"
	"net/http/httptest"
	"testing"

	"${{ values.name }}/internal/savedevents"
)

// The saved test events are what `go run ./cmd/invoke` and the portal's Test button send: each
// one must still get the answer it expects.
func TestSavedEvents(t *testing.T) {
	events, err := savedevents.All("events")
	if err != nil {
		t.Fatal(err)
	}
	if len(events) == 0 {
		t.Fatal("events/ holds no saved test event")
	}
	server := httptest.NewServer(NewHandler(NewLogger(io.Discard), Handle))
	defer server.Close()
	for _, event := range events {
		t.Run(event.Name+": "+event.Description, func(t *testing.T) {
			res, err := savedevents.Send(event, server.URL)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if event.Expect != nil && res.StatusCode != event.Expect.Status {
				t.Fatalf("status = %d, want %d", res.StatusCode, event.Expect.Status)
			}
		})
	}
}
