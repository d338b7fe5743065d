package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
)

// What Kourier puts in a CheckRequest for a route of the Knative Service payments/charge-card: the
// KIngress labels and the rule's visibility as context extensions (see authorizer.go).
func chargeCard(visibility string) map[string]string {
	return map[string]string{
		"client":                             "kourier",
		"visibility":                         visibility,
		"serving.knative.dev/route":          "charge-card",
		"serving.knative.dev/routeNamespace": "payments",
		"serving.knative.dev/service":        "charge-card",
	}
}

// A team function (payments/charge-card) that declares analytics as a caller; pods of payments,
// analytics and marketing, of Knative Eventing, and one on the node's network; the service runs as
// the ServiceAccount and with the RBAC of gitops/infrastructure/configs/base/caller-authz.
func TestCallerAuthz(t *testing.T) {
	server := startAPIServer(t)
	server.installCRD(t, "serving.knative.dev_services.yaml", knativeServices)
	ctx := context.Background()
	client := kubernetes.NewForConfigOrDie(server.config)
	services := dynamic.NewForConfigOrDie(server.config).Resource(knativeServices)

	for _, namespace := range []string{"payments", "analytics", "marketing", "knative-eventing", "logging"} {
		_, err := client.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}, metav1.CreateOptions{})
		check(t, err)
		// No controller manager runs here to create it; the ServiceAccount admission plugin needs it.
		_, err = client.CoreV1().ServiceAccounts(namespace).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{})
		check(t, err)
	}
	runPod(t, client, "payments", "charge-card", "10.1.0.1", false)
	runPod(t, client, "analytics", "report", "10.1.0.2", false)
	runPod(t, client, "marketing", "campaign", "10.1.0.3", false)
	runPod(t, client, "knative-eventing", "mt-broker-filter", "10.1.0.9", false)
	runPod(t, client, "logging", "node-agent", "10.0.0.5", true)
	ksvc := &unstructured.Unstructured{Object: map[string]interface{}{
		"apiVersion": "serving.knative.dev/v1",
		"kind":       "Service",
		"metadata": map[string]interface{}{
			"name":        "charge-card",
			"namespace":   "payments",
			"annotations": map[string]interface{}{AllowedCallersAnnotation: "analytics"},
		},
		"spec": map[string]interface{}{"template": map[string]interface{}{"spec": map[string]interface{}{
			"containers": []interface{}{map[string]interface{}{"image": "ghcr.io/atonixcorp/charge-card:1"}},
		}}},
	}}
	_, err := services.Namespace("payments").Create(ctx, ksvc, metav1.CreateOptions{})
	check(t, err)

	// The service runs with the identity gitops gives it, so a permission it lacks fails here.
	deployment := filepath.Join("..", "..", "gitops", "infrastructure", "configs", "base", "caller-authz")
	server.applyFile(t, filepath.Join(deployment, "namespace.yaml"))
	server.applyFile(t, filepath.Join(deployment, "rbac.yaml"))
	kubeconfig := server.kubeconfigAs(t, "atonix-caller-authz", "caller-authz")

	serviceCtx, stop := context.WithCancel(ctx)
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- run(serviceCtx, "127.0.0.1:0", kubeconfig, []string{"knative-serving", "knative-eventing"}, ready)
	}()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("caller-authz did not stop cleanly: %v", err)
		}
	})
	var address string
	select {
	case address = <-ready:
	case err := <-done:
		t.Fatalf("caller-authz did not start: %v", err)
	}
	connection, err := grpc.NewClient(address, grpc.WithTransportCredentials(insecure.NewCredentials()))
	check(t, err)
	t.Cleanup(func() { connection.Close() })
	authz := authv3.NewAuthorizationClient(connection)
	eventually(t, 30*time.Second, func() error {
		answer, err := healthpb.NewHealthClient(connection).Check(ctx, &healthpb.HealthCheckRequest{})
		if err != nil || answer.Status != healthpb.HealthCheckResponse_SERVING {
			return fmt.Errorf("not serving: %v %v", answer, err)
		}
		return nil
	})

	hosts := []string{
		"charge-card.payments", "charge-card.payments.svc", "charge-card.payments.svc.cluster.local",
		"canary-charge-card.payments.svc.cluster.local",
	}
	expect := func(t *testing.T, source, host string, extensions map[string]string, allowed bool, reasonContains string) error {
		t.Helper()
		response, err := authz.Check(ctx, checkRequest(source, host, extensions))
		if err != nil {
			return err
		}
		got := response.GetStatus().GetCode() == int32(codes.OK)
		body := response.GetDeniedResponse().GetBody()
		if got != allowed {
			return fmt.Errorf("%s → %s: allowed=%v, want %v (%s)", source, host, got, allowed, body)
		}
		if !allowed {
			if code := response.GetDeniedResponse().GetStatus().GetCode(); code != 403 {
				return fmt.Errorf("%s → %s: denied with HTTP %d, want 403", source, host, code)
			}
			if !strings.Contains(body, reasonContains) {
				return fmt.Errorf("%s → %s: the reason %q does not say %q", source, host, body, reasonContains)
			}
		}
		return nil
	}
	must := func(t *testing.T, source, host string, extensions map[string]string, allowed bool, reasonContains string) {
		t.Helper()
		check(t, expect(t, source, host, extensions, allowed, reasonContains))
	}

	clusterLocal, public := chargeCard("ClusterLocal"), chargeCard("ExternalIP")
	// The authorizer follows pods and Services through watches: after a change in the cluster, wait
	// until each caller gets its answer on charge-card's cluster-local URL.
	type answer struct {
		source         string
		allowed        bool
		reasonContains string
	}
	eventuallyAnswers := func(t *testing.T, answers ...answer) {
		t.Helper()
		eventually(t, 10*time.Second, func() error {
			for _, a := range answers {
				if err := expect(t, a.source, "charge-card.payments.svc.cluster.local", clusterLocal, a.allowed, a.reasonContains); err != nil {
					return err
				}
			}
			return nil
		})
	}
	for _, c := range []struct {
		spec, source   string
		hosts          []string
		extensions     map[string]string
		allowed        bool
		reasonContains string
	}{
		{"lets the function's own team call it by every host name of its route", "10.1.0.1", hosts, clusterLocal, true, ""},
		{"lets a team the function declares in allowedCallers call it", "10.1.0.2", hosts, clusterLocal, true, ""},
		{"refuses a team the function does not declare, saying how to declare it", "10.1.0.3", hosts, clusterLocal, false,
			"team marketing may not call payments/charge-card: its allowedCallers are [analytics]; to allow it, add marketing to allowedCallers in gitops/functions/payments/charge-card/function.yaml"},
		{"refuses an undeclared team on the public URL too", "10.1.0.3", []string{"charge-card.payments.example.com"}, public, false, "team marketing may not call"},
		{"lets Knative Eventing deliver events (Triggers reach functions through the gateway)", "10.1.0.9", hosts, clusterLocal, true, ""},
		{"refuses an address that is no pod's on a cluster-local route", "10.9.9.9", hosts, clusterLocal, false, "10.9.9.9 is not the address of a pod in this cluster"},
		{"does not take a node-network pod's address (the node's) for a namespace", "10.0.0.5", hosts, clusterLocal, false, "is not the address of a pod"},
		{"answers callers from outside the cluster on a public URL", "203.0.113.7", []string{"charge-card.payments.example.com"}, public, true, ""},
		{"refuses a host whose virtual host names no Knative route", "10.1.0.1", []string{"anything.example"}, map[string]string{"client": "kourier"}, false, "the callee is unknown"},
	} {
		t.Run(c.spec, func(t *testing.T) {
			for _, host := range c.hosts {
				must(t, c.source, host, c.extensions, c.allowed, c.reasonContains)
			}
		})
	}
	t.Run("refuses callers of a route that is not a Knative Service's, except its own team", func(t *testing.T) {
		route := map[string]string{"visibility": "ClusterLocal", "serving.knative.dev/route": "legacy", "serving.knative.dev/routeNamespace": "payments"}
		must(t, "10.1.0.1", "legacy.payments.svc.cluster.local", route, true, "")
		must(t, "10.1.0.2", "legacy.payments.svc.cluster.local", route, false, "it is not a Knative Service's")
	})

	t.Run("follows a pod address that moves to another namespace", func(t *testing.T) {
		check(t, client.CoreV1().Pods("marketing").Delete(ctx, "campaign", metav1.DeleteOptions{GracePeriodSeconds: new(int64)}))
		runPod(t, client, "payments", "charge-card-2", "10.1.0.3", false)
		eventuallyAnswers(t, answer{"10.1.0.3", true, ""})
	})
	t.Run("follows a pod whose address changes", func(t *testing.T) {
		pod, err := client.CoreV1().Pods("analytics").Get(ctx, "report", metav1.GetOptions{})
		check(t, err)
		pod.Status.PodIP, pod.Status.PodIPs = "10.1.0.20", []corev1.PodIP{{IP: "10.1.0.20"}}
		_, err = client.CoreV1().Pods("analytics").UpdateStatus(ctx, pod, metav1.UpdateOptions{})
		check(t, err)
		eventuallyAnswers(t, answer{"10.1.0.20", true, ""}, answer{"10.1.0.2", false, "is not the address of a pod"})
	})
	t.Run("follows a change of the declared callers", func(t *testing.T) {
		runPod(t, client, "marketing", "campaign-2", "10.1.0.4", false)
		stored, err := services.Namespace("payments").Get(ctx, "charge-card", metav1.GetOptions{})
		check(t, err)
		stored.SetAnnotations(map[string]string{AllowedCallersAnnotation: "marketing"})
		_, err = services.Namespace("payments").Update(ctx, stored, metav1.UpdateOptions{})
		check(t, err)
		eventuallyAnswers(t, answer{"10.1.0.4", true, ""}, answer{"10.1.0.20", false, "its allowedCallers are [marketing]"})
	})
	t.Run("refuses every other team once the Service is gone", func(t *testing.T) {
		check(t, services.Namespace("payments").Delete(ctx, "charge-card", metav1.DeleteOptions{}))
		eventuallyAnswers(t, answer{"10.1.0.4", false, "no Knative Service payments/charge-card exists"})
	})
}

// runPod creates a pod and reports it running at ip, as the kubelet would.
func runPod(t *testing.T, client kubernetes.Interface, namespace, name, ip string, hostNetwork bool) {
	t.Helper()
	ctx := context.Background()
	pod, err := client.CoreV1().Pods(namespace).Create(ctx, &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PodSpec{
			HostNetwork: hostNetwork,
			Containers:  []corev1.Container{{Name: "function", Image: "ghcr.io/atonixcorp/" + name + ":1"}},
		},
	}, metav1.CreateOptions{})
	check(t, err)
	pod.Status = corev1.PodStatus{Phase: corev1.PodRunning, PodIP: ip, PodIPs: []corev1.PodIP{{IP: ip}}}
	_, err = client.CoreV1().Pods(namespace).UpdateStatus(ctx, pod, metav1.UpdateOptions{})
	check(t, err)
}

func checkRequest(source, host string, extensions map[string]string) *authv3.CheckRequest {
	return &authv3.CheckRequest{Attributes: &authv3.AttributeContext{
		Source: &authv3.AttributeContext_Peer{Address: &corev3.Address{Address: &corev3.Address_SocketAddress{
			SocketAddress: &corev3.SocketAddress{Address: source, PortSpecifier: &corev3.SocketAddress_PortValue{PortValue: 41000}},
		}}},
		Request: &authv3.AttributeContext_Request{Http: &authv3.AttributeContext_HttpRequest{
			Method: "POST", Path: "/", Host: host, Protocol: "HTTP/1.1",
		}},
		ContextExtensions: extensions,
	}}
}
