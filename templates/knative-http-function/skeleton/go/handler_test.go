package main

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func TestHandle(t *testing.T) {
	tests := []struct {
		name   string
		query  url.Values
		body   any
		status int
		answer any
	}{
		{"greets the world by default", nil, nil, 200, map[string]string{"message": "Hello, world!"}},
		{"greets the name from the query string", url.Values{"name": {"Ada"}}, nil, 200, map[string]string{"message": "Hello, Ada!"}},
		{"greets the name from the JSON body", nil, map[string]any{"name": "Grace"}, 200, map[string]string{"message": "Hello, Grace!"}},
		{"rejects a name that is not a string", nil, map[string]any{"name": 42.0}, 400, nil},
		{"rejects a name that is too long", url.Values{"name": {strings.Repeat("x", 101)}}, nil, 400, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			query := tt.query
			if query == nil {
				query = url.Values{}
			}
			res := Handle(Request{Method: "GET", Path: "/", Query: query, Body: tt.body})
			if res.Status != tt.status {
				t.Fatalf("status = %d, want %d", res.Status, tt.status)
			}
			if tt.answer != nil && !reflect.DeepEqual(res.Body, tt.answer) {
				t.Fatalf("body = %v, want %v", res.Body, tt.answer)
			}
		})
	}
}
