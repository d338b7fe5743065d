package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// lockedBuffer collects log lines written by the server's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Lines(t *testing.T) []map[string]any {
	b.mu.Lock()
	defer b.mu.Unlock()
	var lines []map[string]any
	text := strings.TrimSpace(b.buf.String())
	if text == "" {
		return lines
	}
	for _, line := range strings.Split(text, "\n") {
		var entry map[string]any
		if err := json.Unmarshal([]byte(line), &entry); err != nil {
			t.Fatalf("log line %q is not JSON: %v", line, err)
		}
		lines = append(lines, entry)
	}
	return lines
}

func decode(t *testing.T, res *http.Response) map[string]any {
	t.Helper()
	defer res.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(res.Body).Decode(&body); err != nil {
		t.Fatalf("response is not JSON: %v", err)
	}
	return body
}

// echo answers with what it received, or fails as asked, so the tests see what the server does.
func echo(req Request) Response {
	if req.Query.Has("fail") {
		panic("card service down")
	}
	return Response{Status: http.StatusOK, Body: map[string]any{"method": req.Method, "body": req.Body}}
}

func TestServer(t *testing.T) {
	logs := &lockedBuffer{}
	server := httptest.NewServer(NewHandler(NewLogger(logs), echo))
	defer server.Close()

	t.Run("answers the health check", func(t *testing.T) {
		res, err := http.Get(server.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		if body := decode(t, res); res.StatusCode != 200 || body["status"] != "ok" {
			t.Fatalf("got %d %v", res.StatusCode, body)
		}
	})

	t.Run("passes JSON bodies to the handler and returns its answer", func(t *testing.T) {
		res, err := http.Post(server.URL+"/", "application/json", strings.NewReader(`{"name":"Ada"}`))
		if err != nil {
			t.Fatal(err)
		}
		body := decode(t, res)
		if res.StatusCode != 200 || body["method"] != "POST" || body["body"].(map[string]any)["name"] != "Ada" {
			t.Fatalf("got %d %v", res.StatusCode, body)
		}
	})

	t.Run("answers 500 without details when the function fails, and logs the error", func(t *testing.T) {
		res, err := http.Get(server.URL + "/?fail")
		if err != nil {
			t.Fatal(err)
		}
		if body := decode(t, res); res.StatusCode != 500 || body["error"] != "internal error" {
			t.Fatalf("got %d %v", res.StatusCode, body)
		}
		if !strings.Contains(logs.buf.String(), "card service down") {
			t.Fatal("the failure was not logged")
		}
	})

	t.Run("answers 400 to a body that is not JSON", func(t *testing.T) {
		res, err := http.Post(server.URL+"/", "application/json", strings.NewReader(`{not json`))
		if err != nil {
			t.Fatal(err)
		}
		if decode(t, res); res.StatusCode != 400 {
			t.Fatalf("got %d", res.StatusCode)
		}
	})

	t.Run("logs one JSON line per request, with the trace context of the caller", func(t *testing.T) {
		before := len(logs.Lines(t))
		req, _ := http.NewRequest(http.MethodGet, server.URL+"/?name=Ada", nil)
		req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		decode(t, res)
		lines := logs.Lines(t)[before:]
		if len(lines) != 1 {
			t.Fatalf("got %d log lines, want 1: %v", len(lines), lines)
		}
		if lines[0]["level"] != "info" || lines[0]["path"] != "/" || lines[0]["status"] != 200.0 || lines[0]["traceId"] != "4bf92f3577b34da6a3ce929d0e0e4736" {
			t.Fatalf("unexpected log line %v", lines[0])
		}
	})
}

func TestTraceAttrs(t *testing.T) {
	got := TraceAttrs("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	want := []any{"traceId", "4bf92f3577b34da6a3ce929d0e0e4736", "spanId", "00f067aa0ba902b7"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for _, value := range []string{"", "nonsense", "00-" + strings.Repeat("0", 32) + "-00f067aa0ba902b7-01"} {
		if attrs := TraceAttrs(value); attrs != nil {
			t.Fatalf("TraceAttrs(%q) = %v, want none", value, attrs)
		}
	}
}
