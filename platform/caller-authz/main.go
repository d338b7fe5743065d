// Command caller-authz is the external authorization service of the Kourier gateway: it lets a pod
// call a Knative function through the gateway only if the pod is in the function's namespace, in a
// platform namespace that delivers to functions, or in a team the function declares in its
// function.yaml (`allowedCallers`). See README.md.
//
//	caller-authz [-listen :9000] [-platform-callers knative-serving,knative-eventing] [-kubeconfig F]
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"k8s.io/client-go/tools/clientcmd"
)

func main() {
	listen := flag.String("listen", ":9000", "gRPC address (ext_authz v3 and grpc.health.v1)")
	platformCallers := flag.String("platform-callers", "knative-serving,knative-eventing",
		"namespaces whose pods may call every function (comma-separated)")
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig file; the pod's ServiceAccount when empty")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *listen, *kubeconfig, splitList(*platformCallers), nil); err != nil {
		fmt.Fprintln(os.Stderr, "caller-authz:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends. ready, when given, receives the address it listens on.
func run(ctx context.Context, listen, kubeconfig string, platformCallers []string, ready chan<- string) error {
	config, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return fmt.Errorf("no cluster credentials (in-cluster, or -kubeconfig): %w", err)
	}
	directory, err := NewDirectory(config)
	if err != nil {
		return err
	}
	listener, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	server := grpc.NewServer()
	authv3.RegisterAuthorizationServer(server, NewAuthorizer(directory, platformCallers))
	// Not serving until the informers have listed: the Deployment's readiness probe asks this, so
	// the gateway is not pointed at a replica that would deny everything.
	healthServer := health.NewServer()
	healthServer.SetServingStatus("", healthpb.HealthCheckResponse_NOT_SERVING)
	healthpb.RegisterHealthServer(server, healthServer)

	directory.Run(ctx)
	go func() {
		if directory.WaitForSync(ctx) {
			healthServer.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
			slog.Info("serving", "address", listener.Addr().String())
		}
	}()
	go func() {
		<-ctx.Done()
		server.GracefulStop()
	}()
	if ready != nil {
		ready <- listener.Addr().String()
	}
	return server.Serve(listener)
}

func splitList(value string) []string {
	var items []string
	for _, item := range strings.Split(value, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	return items
}
