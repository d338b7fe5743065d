package main

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	typev3 "github.com/envoyproxy/go-control-plane/envoy/type/v3"
	"google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
)

// What Kourier tells the authorizer about the callee. With ext-authz on, every virtual host of a
// KIngress carries the KIngress's labels and the rule's visibility as context extensions
// (net-kourier knative-v1.23.0 pkg/generator/ingress_translator.go:283-294,
// pkg/envoy/api/virtual_host.go:36-57). Knative writes routeNamespace on every KIngress, over
// whatever the Route carries (serving knative-v1.23.0 pkg/reconciler/route/resources/ingress.go:91-94),
// and a Service's Route carries the Service's name (pkg/reconciler/service/resources/route.go:41-44).
// So the callee is the virtual host Envoy routes the request to, whichever of its host names
// (`<fn>.<ns>`, `<fn>.<ns>.svc`, `<fn>.<ns>.svc.cluster.local`, a tag's `<tag>-<fn>.<ns>...` or a
// public domain) the caller used: nothing in the request itself names it.
const (
	routeNamespaceKey = "serving.knative.dev/routeNamespace"
	serviceKey        = "serving.knative.dev/service"
	visibilityKey     = "visibility"
	// The visibility of a rule with a public domain (knative.dev/networking
	// pkg/apis/networking/v1alpha1/ingress_types.go, IngressVisibilityExternalIP).
	externalVisibility = "ExternalIP"
)

// Decision is the verdict on one request and why.
type Decision struct {
	Allowed bool
	Reason  string
}

// Authorizer decides whether a pod may call a function through the Kourier gateway: its own
// namespace may, the platform's callers may (Kourier's own prober in knative-serving, event
// delivery from knative-eventing), and the teams the function's Service admits may; nobody else.
type Authorizer struct {
	authv3.UnimplementedAuthorizationServer
	directory       *Directory
	platformCallers []string
}

func NewAuthorizer(directory *Directory, platformCallers []string) *Authorizer {
	return &Authorizer{directory: directory, platformCallers: platformCallers}
}

// Decide applies the rules to the caller's address (Envoy's downstream peer: "the sender of the
// last hop", go-control-plane envoy v1.37.0 envoy/service/auth/v3/attribute_context.pb.go:47-50)
// and the virtual host's context extensions.
func (a *Authorizer) Decide(source string, extensions map[string]string) Decision {
	if !a.directory.Synced() {
		return Decision{Reason: "caller-authz has not read the cluster's pods and Knative Services yet; retry shortly"}
	}
	calleeNamespace := extensions[routeNamespaceKey]
	if calleeNamespace == "" {
		return Decision{Reason: "the gateway sent no " + routeNamespaceKey + " for this host, so the callee is unknown; only Knative routes are served here"}
	}
	callee := calleeNamespace + "/" + extensions[serviceKey]
	callerNamespace, known := a.directory.NamespaceOf(source)
	if !known {
		// Only a public URL answers callers from outside the cluster; the source address of those
		// is a node or load balancer, never a pod.
		if extensions[visibilityKey] == externalVisibility {
			return Decision{Allowed: true, Reason: "public URL, caller outside the cluster"}
		}
		return Decision{Reason: fmt.Sprintf("%s is not the address of a pod in this cluster; the cluster-local address of %s answers only pods", source, callee)}
	}
	if callerNamespace == calleeNamespace {
		return Decision{Allowed: true, Reason: "same team"}
	}
	if slices.Contains(a.platformCallers, callerNamespace) {
		return Decision{Allowed: true, Reason: "platform namespace " + callerNamespace}
	}
	service := extensions[serviceKey]
	if service == "" {
		return Decision{Reason: fmt.Sprintf("team %s may not call route %s/%s: it is not a Knative Service's, so no allowedCallers declare other teams", callerNamespace, calleeNamespace, extensions["serving.knative.dev/route"])}
	}
	callers, found := a.directory.AllowedCallers(calleeNamespace, service)
	if !found {
		return Decision{Reason: fmt.Sprintf("team %s may not call %s: no Knative Service %s exists (yet)", callerNamespace, callee, callee)}
	}
	if slices.Contains(callers, callerNamespace) {
		return Decision{Allowed: true, Reason: "declared caller"}
	}
	return Decision{Reason: fmt.Sprintf(
		"team %s may not call %s: its allowedCallers are [%s]; to allow it, add %s to allowedCallers in gitops/functions/%s/%s/function.yaml and run yarn atonix render",
		callerNamespace, callee, strings.Join(callers, ", "), callerNamespace, calleeNamespace, service)}
}

// Check is Envoy's ext_authz v3 call. Everything that is not an explicit allow is a 403 with the
// reason in the body (Kourier answers with it as is, and fails closed when this service is
// unreachable: see the config-kourier settings in gitops).
func (a *Authorizer) Check(_ context.Context, request *authv3.CheckRequest) (*authv3.CheckResponse, error) {
	attributes := request.GetAttributes()
	source := attributes.GetSource().GetAddress().GetSocketAddress().GetAddress()
	decision := a.Decide(source, attributes.GetContextExtensions())
	if decision.Allowed {
		return &authv3.CheckResponse{
			Status:       &status.Status{Code: int32(codes.OK)},
			HttpResponse: &authv3.CheckResponse_OkResponse{OkResponse: &authv3.OkHttpResponse{}},
		}, nil
	}
	slog.Info("denied", "source", source, "host", attributes.GetRequest().GetHttp().GetHost(), "reason", decision.Reason)
	return &authv3.CheckResponse{
		Status: &status.Status{Code: int32(codes.PermissionDenied), Message: decision.Reason},
		HttpResponse: &authv3.CheckResponse_DeniedResponse{DeniedResponse: &authv3.DeniedHttpResponse{
			Status: &typev3.HttpStatus{Code: typev3.StatusCode_Forbidden},
			Headers: []*corev3.HeaderValueOption{{
				Header: &corev3.HeaderValue{Key: "content-type", Value: "text/plain; charset=utf-8"},
			}},
			Body: decision.Reason + "\n",
		}},
	}, nil
}
