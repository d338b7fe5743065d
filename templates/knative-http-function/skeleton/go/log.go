package main

import (
	"io"
	"log/slog"
	"regexp"
	"strings"
)

// NewLogger writes one JSON object per line: the cluster's log shipper forwards stdout to Loki,
// where the fields can be filtered with `| json` without parsing rules on the platform side.
// Levels are lower-case, like the platform's other function runtimes.
func NewLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, attr slog.Attr) slog.Attr {
			if len(groups) == 0 && attr.Key == slog.LevelKey {
				attr.Value = slog.StringValue(strings.ToLower(attr.Value.String()))
			}
			return attr
		},
	}))
}

// W3C Trace Context, version 00: https://www.w3.org/TR/trace-context/#traceparent-header
var traceparentPattern = regexp.MustCompile(`^00-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}$`)

// TraceAttrs are the log attributes of a W3C traceparent (the HTTP header Knative's Broker and
// queue-proxy pass on, or a CloudEvent's traceparent extension): traceId and spanId, so a
// request can be followed from the Broker to this function's log lines in Loki. None when the
// value is absent or malformed.
func TraceAttrs(traceparent string) []any {
	match := traceparentPattern.FindStringSubmatch(strings.TrimSpace(traceparent))
	if match == nil || strings.Trim(match[1], "0") == "" || strings.Trim(match[2], "0") == "" {
		return nil
	}
	return []any{"traceId", match[1], "spanId", match[2]}
}
