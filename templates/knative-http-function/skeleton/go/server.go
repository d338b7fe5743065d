package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

const maxBodyBytes = 1 << 20

type requestError struct {
	status  int
	message string
}

func (e *requestError) Error() string { return e.message }

func readBody(w http.ResponseWriter, r *http.Request) (any, error) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, &requestError{http.StatusRequestEntityTooLarge, fmt.Sprintf("request body exceeds %d bytes", maxBodyBytes)}
		}
		return nil, &requestError{http.StatusBadRequest, "request body could not be read"}
	}
	if len(data) == 0 {
		return nil, nil
	}
	if !strings.Contains(r.Header.Get("Content-Type"), "json") {
		return string(data), nil
	}
	var body any
	if err := json.Unmarshal(data, &body); err != nil {
		return nil, &requestError{http.StatusBadRequest, "request body is not valid JSON"}
	}
	return body, nil
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// respond runs the handler, turning bad requests and panics into error responses.
func respond(logger *slog.Logger, w http.ResponseWriter, r *http.Request) (res Response) {
	defer func() {
		if p := recover(); p != nil {
			logger.Error("handler failed", "error", fmt.Sprint(p))
			res = Response{Status: http.StatusInternalServerError, Body: map[string]string{"error": "internal error"}}
		}
	}()
	body, err := readBody(w, r)
	var reqErr *requestError
	if errors.As(err, &reqErr) {
		return Response{Status: reqErr.status, Body: map[string]string{"error": reqErr.message}}
	}
	return Handle(Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.Query(), Body: body})
}

// NewHandler is the HTTP server around Handle: health check, JSON bodies, one log line per request.
func NewHandler(logger *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		started := time.Now()
		res := respond(logger, w, r)
		// Logged before the answer goes out, so the line exists once the client has its response.
		logger.Info("request",
			"method", r.Method,
			"path", r.URL.Path,
			"status", res.Status,
			"durationMs", float64(time.Since(started).Microseconds())/1000,
		)
		writeJSON(w, res.Status, res.Body)
	})
	return mux
}
