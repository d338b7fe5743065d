// Command invoke sends the saved test events of events/ (or the files named) to the function and
// prints the answers: `go run ./cmd/invoke` against the running function, or
// `go run ./cmd/invoke -url <url> events/<file>.json` against a deployed one.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"${{ values.name }}/internal/savedevents"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "${{ values.port }}"
	}
	url := flag.String("url", "http://localhost:"+port, "where the function listens")
	flag.Parse()
	var events []savedevents.Event
	if flag.NArg() == 0 {
		all, err := savedevents.All("events")
		if err != nil {
			fail(err)
		}
		events = all
	}
	for _, path := range flag.Args() {
		event, err := savedevents.Read(path)
		if err != nil {
			fail(err)
		}
		events = append(events, event)
	}
	for _, event := range events {
		res, err := savedevents.Send(event, *url)
		if err != nil {
			fail(fmt.Errorf("%s: %s did not answer (%v); is the function running (go run .)?", event.Name, *url, err))
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		fmt.Printf("%s: %s\n", event.Name, res.Status)
		for name, values := range res.Header {
			if strings.HasPrefix(strings.ToLower(name), "ce-") {
				fmt.Printf("  %s: %s\n", name, strings.Join(values, ", "))
			}
		}
		if len(body) > 0 {
			fmt.Printf("  %s\n", strings.TrimSpace(string(body)))
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
