package main

import (
	"os"
	"path/filepath"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// frame is a kind whose Go API types the module proxy here does not serve (README: "What it does
// not generate"), yet whose objects the backend watches and the demo seeds. Its CRD carries the
// project's own names, scope, served version and subresources, and an open schema: the API
// server stores such objects and checks nothing in them, which the tests report as not checked.
type frame struct {
	group, version, kind, plural string
	status                      bool
	source                      string // where the project declares this frame
}

var frames = []frame{
	// openfaas/faas-netes artifacts/crds/openfaas.com_functions.yaml (commit 0139fef): group
	// openfaas.com, v1, plural functions, Namespaced, `subresources: {}` (no status subresource).
	{"openfaas.com", "v1", "Function", "functions", false, "openfaas/faas-netes artifacts/crds/openfaas.com_functions.yaml"},
	// knative-extensions/eventing-rabbitmq config/source/300-rabbitmqsource.yaml: v1alpha1,
	// plural rabbitmqsources, Namespaced, status subresource.
	{"sources.knative.dev", "v1alpha1", "RabbitmqSource", "rabbitmqsources", true, "knative-extensions/eventing-rabbitmq config/source/300-rabbitmqsource.yaml"},
	// knative-extensions/eventing-kafka-broker control-plane/config/eventing-kafka-broker/
	// 100-source/100-kafka-source.yaml: plural kafkasources, Namespaced, status subresource; v1 is
	// the version the backend reads.
	{"sources.knative.dev", "v1", "KafkaSource", "kafkasources", true, "knative-extensions/eventing-kafka-broker control-plane/config/eventing-kafka-broker/100-source/100-kafka-source.yaml"},
}

// writeFrames adds the frames' CRDs to generated, for publish to write beside the others.
func writeFrames(generated string) error {
	preserve := true
	for _, f := range frames {
		version := apiextensionsv1.CustomResourceDefinitionVersion{
			Name:    f.version,
			Served:  true,
			Storage: true,
			Schema: &apiextensionsv1.CustomResourceValidation{OpenAPIV3Schema: &apiextensionsv1.JSONSchemaProps{
				Type:                   "object",
				XPreserveUnknownFields: &preserve,
			}},
		}
		if f.status {
			version.Subresources = &apiextensionsv1.CustomResourceSubresources{Status: &apiextensionsv1.CustomResourceSubresourceStatus{}}
		}
		def := apiextensionsv1.CustomResourceDefinition{
			TypeMeta: metav1.TypeMeta{APIVersion: "apiextensions.k8s.io/v1", Kind: "CustomResourceDefinition"},
			ObjectMeta: metav1.ObjectMeta{
				Name:        f.plural + "." + f.group,
				Annotations: map[string]string{"atonix.io/schema": "open: frame of " + f.source},
			},
			Spec: apiextensionsv1.CustomResourceDefinitionSpec{
				Group:    f.group,
				Names:    apiextensionsv1.CustomResourceDefinitionNames{Kind: f.kind, ListKind: f.kind + "List", Plural: f.plural},
				Scope:    apiextensionsv1.NamespaceScoped,
				Versions: []apiextensionsv1.CustomResourceDefinitionVersion{version},
			},
		}
		text, err := yaml.Marshal(def)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(generated, "frame_"+f.plural+"."+f.group+".yaml"), text, 0o644); err != nil {
			return err
		}
	}
	return nil
}
