package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

const maxBodyBytes = 1 << 20

// Request is what the function receives.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	// Body is the decoded JSON body, the text for other content types, or nil when empty.
	Body any
	// Raw is the body as received.
	Raw []byte
	// Logger writes JSON lines carrying the request's trace context.
	Logger *slog.Logger
}

// Response is what the function answers: a []byte Body is sent as it is, anything else as JSON.
type Response struct {
	Status int
	Header http.Header
	Body   any
}

type requestError struct {
	status  int
	message string
}

func (e *requestError) Error() string { return e.message }

func readBody(w http.ResponseWriter, r *http.Request) (any, []byte, error) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, nil, &requestError{http.StatusRequestEntityTooLarge, fmt.Sprintf("request body exceeds %d bytes", maxBodyBytes)}
		}
		return nil, nil, &requestError{http.StatusBadRequest, "request body could not be read"}
	}
	if len(data) == 0 {
		return nil, data, nil
	}
	if !strings.Contains(r.Header.Get("Content-Type"), "json") {
		return string(data), data, nil
	}
	var body any
	if err := json.Unmarshal(data, &body); err != nil {
		return nil, nil, &requestError{http.StatusBadRequest, "request body is not valid JSON"}
	}
	return body, data, nil
}

func write(w http.ResponseWriter, res Response) {
	for name, values := range res.Header {
		w.Header()[name] = values
	}
	if raw, ok := res.Body.([]byte); ok {
		w.WriteHeader(res.Status)
		_, _ = w.Write(raw)
		return
	}
	if res.Body == nil {
		w.WriteHeader(res.Status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(res.Status)
	_ = json.NewEncoder(w).Encode(res.Body)
}

// respond runs the handler, turning bad requests and panics into error responses.
func respond(handle func(Request) Response, logger *slog.Logger, w http.ResponseWriter, r *http.Request) (res Response) {
	defer func() {
		if p := recover(); p != nil {
			logger.Error("handler failed", "error", fmt.Sprint(p))
			res = Response{Status: http.StatusInternalServerError, Body: map[string]string{"error": "internal error"}}
		}
	}()
	body, raw, err := readBody(w, r)
	var reqErr *requestError
	if errors.As(err, &reqErr) {
		return Response{Status: reqErr.status, Body: map[string]string{"error": reqErr.message}}
	}
	return handle(Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Header: r.Header, Body: body, Raw: raw, Logger: logger})
}

// NewHandler is the HTTP server around handle (the function, Handle in handler.go): health
// check, JSON bodies, one log line per request with the caller's W3C trace context.
func NewHandler(logger *slog.Logger, handle func(Request) Response) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		write(w, Response{Status: http.StatusOK, Body: map[string]string{"status": "ok"}})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		started := time.Now()
		logger := logger.With(TraceAttrs(r.Header.Get("traceparent"))...)
		res := respond(handle, logger, w, r)
		// Logged before the answer goes out, so the line exists once the client has its response.
		logger.Info("request",
			"method", r.Method,
			"path", r.URL.Path,
			"status", res.Status,
			"durationMs", float64(time.Since(started).Microseconds())/1000,
		)
		write(w, res)
	})
	return mux
}
