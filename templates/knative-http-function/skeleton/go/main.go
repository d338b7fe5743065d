package main

import (
	"context"
	"errors"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	logger := NewLogger(os.Stdout).With("function", "${{ values.name }}")
	port := os.Getenv("PORT")
	if port == "" {
		port = "${{ values.port }}"
	}
	server := &http.Server{
		Addr:              ":" + port,
		Handler:           NewHandler(logger, Handle),
		ReadHeaderTimeout: 10 * time.Second,
	}

	// Knative scales to zero by stopping pods: on SIGTERM stop accepting, finish the requests in
	// flight, then exit. ListenAndServe returns as soon as Shutdown starts, so main waits for it.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		<-ctx.Done()
		logger.Info("shutting down")
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 25*time.Second)
		defer cancel()
		if err := server.Shutdown(shutdownCtx); err != nil {
			logger.Error("shutdown did not finish", "error", err.Error())
		}
	}()

	logger.Info("listening", "port", port)
	if err := server.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		logger.Error("server failed", "error", err.Error())
		os.Exit(1)
	}
	<-drained
}
