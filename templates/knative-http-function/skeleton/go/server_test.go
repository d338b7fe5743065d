package main

import (
	"bytes"
	"encoding/json"
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

func TestServer(t *testing.T) {
	logs := &lockedBuffer{}
	server := httptest.NewServer(NewHandler(NewLogger(logs)))
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
		if body := decode(t, res); res.StatusCode != 200 || body["message"] != "Hello, Ada!" {
			t.Fatalf("got %d %v", res.StatusCode, body)
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

	t.Run("logs one JSON line per request", func(t *testing.T) {
		before := len(logs.Lines(t))
		res, err := http.Get(server.URL + "/?name=Ada")
		if err != nil {
			t.Fatal(err)
		}
		decode(t, res)
		lines := logs.Lines(t)[before:]
		if len(lines) != 1 {
			t.Fatalf("got %d log lines, want 1: %v", len(lines), lines)
		}
		if lines[0]["level"] != "info" || lines[0]["path"] != "/" || lines[0]["status"] != 200.0 {
			t.Fatalf("unexpected log line %v", lines[0])
		}
	})
}
