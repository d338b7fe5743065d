package main

import (
	"io"
	"log/slog"
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
