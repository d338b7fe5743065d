// Package savedevents reads the saved test events of events/ and sends them to the function:
// what `go run ./cmd/invoke` and the portal's Test button send. The file format is in the
// repository's README ("Test events").
package savedevents

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Event is one saved test event.
type Event struct {
	Name        string `json:"-"`
	Description string `json:"description"`
	Request     struct {
		Method  string            `json:"method"`
		Path    string            `json:"path"`
		Headers map[string]string `json:"headers"`
		Body    json.RawMessage   `json:"body"`
	} `json:"request"`
	Expect *struct {
		Status int `json:"status"`
	} `json:"expect"`
}

// Read reads one saved test event; a malformed file is refused with its name and what is wrong.
func Read(path string) (Event, error) {
	var event Event
	data, err := os.ReadFile(path)
	if err != nil {
		return event, err
	}
	if err := json.Unmarshal(data, &event); err != nil {
		return event, fmt.Errorf("%s: not valid JSON (%v)", path, err)
	}
	if event.Description == "" {
		return event, fmt.Errorf(`%s: "description" must be a non-empty string`, path)
	}
	event.Name = strings.TrimSuffix(filepath.Base(path), ".json")
	return event, nil
}

// All reads every saved test event of dir, by file name.
func All(dir string) ([]Event, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	events := make([]Event, 0, len(paths))
	for _, path := range paths {
		event, err := Read(path)
		if err != nil {
			return nil, err
		}
		events = append(events, event)
	}
	return events, nil
}

// Send sends the event's request to baseURL as the file describes it: a JSON string body as
// its text, any other JSON value as JSON.
func Send(event Event, baseURL string) (*http.Response, error) {
	method, path := event.Request.Method, event.Request.Path
	if method == "" {
		method = http.MethodPost
	}
	if path == "" {
		path = "/"
	}
	var body io.Reader
	contentType := ""
	if raw := event.Request.Body; len(raw) > 0 {
		var text string
		if json.Unmarshal(raw, &text) == nil {
			body = strings.NewReader(text)
		} else {
			body = strings.NewReader(string(raw))
			contentType = "application/json"
		}
	}
	req, err := http.NewRequest(method, strings.TrimSuffix(baseURL, "/")+path, body)
	if err != nil {
		return nil, err
	}
	for name, value := range event.Request.Headers {
		req.Header.Set(name, value)
	}
	if contentType != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", contentType)
	}
	return http.DefaultClient.Do(req)
}
