package main

import (
	"context"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/metadata/metadatainformer"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
)

// AllowedCallersAnnotation is where `yarn atonix render` writes a function's `allowedCallers` on its
// Knative Service (sorted team names, comma-separated); function.yaml stays the one place they are
// declared, and the validator checks the two agree (rule allowed-callers).
const AllowedCallersAnnotation = "atonix.io/allowed-callers"

var knativeServices = schema.GroupVersionResource{Group: "serving.knative.dev", Version: "v1", Resource: "services"}

const podIPIndex = "podIP"

// Directory answers the two questions an authorization needs from the cluster: which namespace a
// source address belongs to (from a pod informer) and whom a Knative Service admits (from its
// annotation, through a metadata-only informer: nothing else of a Service is needed).
type Directory struct {
	pods     cache.SharedIndexInformer
	services cache.SharedIndexInformer
}

// NewDirectory builds the informers; Run starts them.
func NewDirectory(config *rest.Config) (*Directory, error) {
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		return nil, fmt.Errorf("kubernetes client: %w", err)
	}
	metadataClient, err := metadata.NewForConfig(config)
	if err != nil {
		return nil, fmt.Errorf("metadata client: %w", err)
	}
	// Pods are kept with only what the index needs, so a large cluster costs little memory.
	pods := informers.NewSharedInformerFactoryWithOptions(client, 0, informers.WithTransform(slimPod)).
		Core().V1().Pods().Informer()
	if err := pods.AddIndexers(cache.Indexers{podIPIndex: podIPs}); err != nil {
		return nil, err
	}
	services := metadatainformer.NewSharedInformerFactory(metadataClient, 0).ForResource(knativeServices).Informer()
	return &Directory{pods: pods, services: services}, nil
}

// Run keeps the informers going until ctx ends.
func (d *Directory) Run(ctx context.Context) {
	go d.pods.Run(ctx.Done())
	go d.services.Run(ctx.Done())
}

// WaitForSync blocks until both informers have listed once (or ctx ends); false if they did not.
func (d *Directory) WaitForSync(ctx context.Context) bool {
	return cache.WaitForCacheSync(ctx.Done(), d.pods.HasSynced, d.services.HasSynced)
}

// Synced is true once both informers have listed once.
func (d *Directory) Synced() bool {
	return d.pods.HasSynced() && d.services.HasSynced()
}

// NamespaceOf is the namespace of the pod that holds ip. Pods on the node's network share the
// node's address and finished pods give theirs back, so neither counts; an address that two live
// pods of different namespaces claim (a stale informer between a delete and a create) answers
// nothing rather than a guess.
func (d *Directory) NamespaceOf(ip string) (string, bool) {
	objects, err := d.pods.GetIndexer().ByIndex(podIPIndex, ip)
	if err != nil || len(objects) == 0 {
		return "", false
	}
	namespace := objects[0].(*corev1.Pod).Namespace
	for _, object := range objects[1:] {
		if object.(*corev1.Pod).Namespace != namespace {
			return "", false
		}
	}
	return namespace, true
}

// AllowedCallers are the teams a Knative Service admits besides its own; found is false when no
// such Service exists.
func (d *Directory) AllowedCallers(namespace, name string) (callers []string, found bool) {
	object, exists, err := d.services.GetStore().GetByKey(namespace + "/" + name)
	if err != nil || !exists {
		return nil, false
	}
	value := object.(*metav1.PartialObjectMetadata).Annotations[AllowedCallersAnnotation]
	for _, team := range strings.Split(value, ",") {
		if team = strings.TrimSpace(team); team != "" {
			callers = append(callers, team)
		}
	}
	sort.Strings(callers)
	return callers, true
}

func podIPs(object interface{}) ([]string, error) {
	pod, ok := object.(*corev1.Pod)
	if !ok || pod.Spec.HostNetwork || pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed {
		return nil, nil
	}
	ips := make([]string, 0, len(pod.Status.PodIPs)+1)
	seen := map[string]bool{}
	for _, ip := range append([]corev1.PodIP{{IP: pod.Status.PodIP}}, pod.Status.PodIPs...) {
		if ip.IP != "" && !seen[ip.IP] {
			seen[ip.IP] = true
			ips = append(ips, ip.IP)
		}
	}
	return ips, nil
}

func slimPod(object interface{}) (interface{}, error) {
	pod, ok := object.(*corev1.Pod)
	if !ok {
		// A tombstone of a deleted pod: its key is all the informer still needs.
		return object, nil
	}
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:            pod.Name,
			Namespace:       pod.Namespace,
			UID:             pod.UID,
			ResourceVersion: pod.ResourceVersion,
		},
		Spec: corev1.PodSpec{HostNetwork: pod.Spec.HostNetwork},
		Status: corev1.PodStatus{
			Phase:  pod.Status.Phase,
			PodIP:  pod.Status.PodIP,
			PodIPs: pod.Status.PodIPs,
		},
	}, nil
}
