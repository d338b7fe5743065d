// Command crds writes the CustomResourceDefinitions of the projects the platform runs on, generated
// from each project's published Go API types at the versions go.mod requires, one YAML file per
// CRD named <group>_<plural>.yaml. Run it from this folder: go run . -out DIR
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/controller-tools/pkg/crd"
	"sigs.k8s.io/controller-tools/pkg/genall"
	"sigs.k8s.io/controller-tools/pkg/schemapatcher"
	"sigs.k8s.io/yaml"
)

// annotatedPackages carry kubebuilder markers: controller-gen's crd generator makes whole CRDs from
// them, as each project's Makefile does.
var annotatedPackages = []string{
	// Flux generates every served version (`paths="./..."` in each controller's Makefile).
	"github.com/fluxcd/source-controller/api/...",
	"github.com/fluxcd/kustomize-controller/api/...",
	"github.com/fluxcd/helm-controller/api/...",
	"github.com/fluxcd/notification-controller/api/...",
	// The operator's default CRD set is v1 + v1alpha1 (Makefile target generate-crds).
	"github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1",
	"github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1alpha1",
}

// knativeCRD names one CRD that a Knative repository keeps as YAML beside its Go types. Knative's
// types carry no root markers, so the CRD's frame (names, scope, versions, subresources, printer
// columns) comes from that file in the module and controller-gen's schemapatch regenerates its
// schema from the types, which is how Serving itself builds them (hack/update-schemas.sh).
type knativeCRD struct {
	module, file string
}

var knativeCRDs = []knativeCRD{
	{"knative.dev/serving", "config/core/300-resources/service.yaml"},
	{"knative.dev/serving", "config/core/300-resources/configuration.yaml"},
	{"knative.dev/serving", "config/core/300-resources/revision.yaml"},
	{"knative.dev/serving", "config/core/300-resources/route.yaml"},
	{"knative.dev/eventing", "config/core/resources/broker.yaml"},
	{"knative.dev/eventing", "config/core/resources/trigger.yaml"},
}

var knativePackages = []string{
	"knative.dev/serving/pkg/apis/serving/v1",
	"knative.dev/eventing/pkg/apis/eventing/v1",
}

// servingTweak is Serving's own post-processing of the patched schemas (limits the pod spec to the
// fields Knative accepts, opens feature-flagged fields); it rewrites config/core/300-resources
// under its working directory. Declared as a tool in go.mod.
const servingTweak = "knative.dev/serving/cmd/schema-tweak"

func main() {
	out := flag.String("out", "", "folder to write the CRDs into (created; existing *.yaml files in it are replaced)")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: go run . -out DIR   (run from tools/crds)")
		os.Exit(2)
	}
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "crds:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	work, err := os.MkdirTemp("", "crds-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	generated := filepath.Join(work, "generated")
	if err := generate(genall.Generators{asGenerator(&crd.Generator{})}, generated, annotatedPackages); err != nil {
		return err
	}
	if err := patchKnative(work, generated); err != nil {
		return err
	}
	if err := writeFrames(generated); err != nil {
		return err
	}
	return publish(generated, out)
}

func asGenerator(g genall.Generator) *genall.Generator { return &g }

func generate(gens genall.Generators, into string, packages []string) error {
	rt, err := gens.ForRoots(packages...)
	if err != nil {
		return fmt.Errorf("loading %s (run from tools/crds, whose go.mod pins them): %w", strings.Join(packages, " "), err)
	}
	rt.OutputRules.Default = genall.OutputToDirectory(into)
	if rt.Run() {
		return fmt.Errorf("controller-gen failed on %s (errors above)", strings.Join(packages, " "))
	}
	return nil
}

// patchKnative lays the Knative CRD files out as Serving's tools expect them
// (config/core/300-resources under the working directory), patches their schemas from the Go
// types, runs Serving's tweak and leaves the results in generated.
func patchKnative(work, generated string) error {
	manifests := filepath.Join(work, "config", "core", "300-resources")
	if err := os.MkdirAll(manifests, 0o755); err != nil {
		return err
	}
	for _, c := range knativeCRDs {
		dir, err := moduleDir(c.module)
		if err != nil {
			return err
		}
		body, err := os.ReadFile(filepath.Join(dir, c.file))
		if err != nil {
			return fmt.Errorf("%s has no %s at the version go.mod requires: %w", c.module, c.file, err)
		}
		// The file name keeps its module so that Serving's and Eventing's files cannot collide.
		name := strings.ReplaceAll(c.module, "/", "_") + "_" + filepath.Base(c.file)
		if err := os.WriteFile(filepath.Join(manifests, name), body, 0o644); err != nil {
			return err
		}
	}
	embedded := true
	patch := &schemapatcher.Generator{ManifestsPath: manifests, GenerateEmbeddedObjectMeta: &embedded}
	if err := generate(genall.Generators{asGenerator(patch)}, manifests, knativePackages); err != nil {
		return err
	}
	// Built here, in this module, and run there: the tweak works on paths relative to its directory.
	tweakBinary := filepath.Join(work, "schema-tweak")
	if err := runIn("", "go", "build", "-o", tweakBinary, servingTweak); err != nil {
		return err
	}
	if err := runIn(work, tweakBinary); err != nil {
		return err
	}
	entries, err := os.ReadDir(manifests)
	if err != nil {
		return err
	}
	for _, e := range entries {
		def, err := readCRD(filepath.Join(manifests, e.Name()))
		if err != nil {
			return err
		}
		for i := range def.Spec.Versions {
			if v := def.Spec.Versions[i].Schema; v != nil {
				openRecursiveFields(v.OpenAPIV3Schema)
			}
		}
		text, err := yaml.Marshal(def)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(generated, e.Name()), text, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// openRecursiveFields gives a type to the fields where a type refers to itself (Trigger's
// spec.filters[].all, .any, .not): controller-gen leaves an empty schema there, which the API
// server refuses as not structural. Eventing's own trigger.yaml declares them as objects that keep
// unknown fields, and so does this.
func openRecursiveFields(s *apiextensionsv1.JSONSchemaProps) {
	if s == nil {
		return
	}
	if s.Type == "" && !s.XIntOrString && s.XPreserveUnknownFields == nil && len(s.Properties) == 0 &&
		s.Items == nil && s.AdditionalProperties == nil && len(s.AnyOf)+len(s.OneOf)+len(s.AllOf) == 0 {
		s.Type = "object"
		preserve := true
		s.XPreserveUnknownFields = &preserve
		return
	}
	for name, p := range s.Properties {
		openRecursiveFields(&p)
		s.Properties[name] = p
	}
	if s.Items != nil {
		openRecursiveFields(s.Items.Schema)
	}
	if s.AdditionalProperties != nil {
		openRecursiveFields(s.AdditionalProperties.Schema)
	}
}

func readCRD(path string) (*apiextensionsv1.CustomResourceDefinition, error) {
	body, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var def apiextensionsv1.CustomResourceDefinition
	if err := yaml.UnmarshalStrict(body, &def); err != nil {
		return nil, fmt.Errorf("%s is not a CustomResourceDefinition: %w", filepath.Base(path), err)
	}
	if def.Kind != "CustomResourceDefinition" {
		return nil, fmt.Errorf("%s holds a %s, not a CustomResourceDefinition", filepath.Base(path), def.Kind)
	}
	return &def, nil
}

func runIn(dir, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if output, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, output)
	}
	return nil
}

// moduleDir downloads module at the version go.mod requires (go list alone reports no folder for a
// module that is not in the cache yet) and returns its folder.
func moduleDir(module string) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", module)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("downloading %s (run from tools/crds): %w", module, err)
	}
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(out, &info); err != nil {
		return "", fmt.Errorf("go mod download -json %s: %w", module, err)
	}
	if info.Error != "" || info.Dir == "" {
		return "", fmt.Errorf("downloading %s: %s", module, info.Error)
	}
	return info.Dir, nil
}

// publish writes every generated CRD to out as <group>_<plural>.yaml, re-encoded through the API
// type so that each file has one layout (sorted keys, no upstream comments) whatever produced it.
func publish(generated, out string) error {
	entries, err := os.ReadDir(generated)
	if err != nil {
		return err
	}
	files := map[string][]byte{}
	for _, e := range entries {
		def, err := readCRD(filepath.Join(generated, e.Name()))
		if err != nil {
			return err
		}
		text, err := yaml.Marshal(def)
		if err != nil {
			return err
		}
		name := def.Spec.Group + "_" + def.Spec.Names.Plural + ".yaml"
		if _, twice := files[name]; twice {
			return fmt.Errorf("two generated CRDs are both %s", name)
		}
		header := "# Generated by tools/crds from the project's Go API types; do not edit.\n---\n"
		if _, open := def.Annotations["atonix.io/schema"]; open {
			header = "# Written by tools/crds (frames.go): the project's names and scope, an open schema; do not edit.\n---\n"
		}
		files[name] = append([]byte(header), bytes.TrimSpace(text)...)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	stale, err := filepath.Glob(filepath.Join(out, "*.yaml"))
	if err != nil {
		return err
	}
	for _, f := range stale {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(out, name), append(text, '\n'), 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("wrote %d CustomResourceDefinitions to %s\n", len(files), out)
	return nil
}
