package main

import (
	"fmt"
	"net/http"
)

// Handle is the function itself. It receives the request (its JSON body already decoded) and
// returns the response; the HTTP server around it (server.go) deals with the network, health
// checks and logging.
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
