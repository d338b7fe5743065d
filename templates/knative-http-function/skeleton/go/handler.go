package main

import (
	"fmt"
	"net/http"
	"net/url"
)

// Request is what the function receives; the HTTP server around it (server.go) builds it.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	// Body is the decoded JSON body, the raw text for other content types, or nil when empty.
	Body any
}

// Response is what the function answers; the server writes Body as JSON.
type Response struct {
	Status int
	Body   any
}

// Handle is the function itself.
func Handle(req Request) Response {
	var name any = "world"
	if req.Query.Has("name") {
		name = req.Query.Get("name")
	} else if body, ok := req.Body.(map[string]any); ok {
		if value, present := body["name"]; present {
			name = value
		}
	}
	text, isString := name.(string)
	if !isString || len(text) > 100 {
		return Response{
			Status: http.StatusBadRequest,
			Body:   map[string]string{"error": `"name" must be a string of at most 100 characters`},
		}
	}
	return Response{
		Status: http.StatusOK,
		Body:   map[string]string{"message": fmt.Sprintf("Hello, %s!", text)},
	}
}
