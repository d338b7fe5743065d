// Command alertmanager-config prints the Alertmanager configuration the Prometheus Operator
// generates from a base configuration (what kube-prometheus-stack's alertmanager.config becomes)
// and AlertmanagerConfig objects (the teams' routes and receivers), using the operator's own
// builder (pkg/alertmanager ConfigBuilder, public for reuse: amcfg.go:225-228 at v0.93.0). The
// tests run amtool and a real Alertmanager on its output, so they route exactly as a cluster does.
//
//	alertmanager-config -base base.yaml [-alertmanager-version 0.25.0] objects.yaml... > alertmanager.yaml
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/blang/semver/v4"
	"github.com/prometheus-operator/prometheus-operator/pkg/alertmanager"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	monitoringv1alpha1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1alpha1"
	"github.com/prometheus-operator/prometheus-operator/pkg/assets"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

func main() {
	base := flag.String("base", "", "the base Alertmanager configuration (YAML)")
	version := flag.String("alertmanager-version", "0.25.0", "the Alertmanager version to generate for")
	namespace := flag.String("namespace", "monitoring", "the namespace of the Alertmanager object")
	flag.Parse()
	if err := run(*base, *version, *namespace, flag.Args(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "alertmanager-config:", err)
		os.Exit(1)
	}
}

func run(base, version, namespace string, files []string, out io.Writer) error {
	if base == "" {
		return errors.New("-base is required")
	}
	raw, err := os.ReadFile(base)
	if err != nil {
		return err
	}
	amVersion, err := semver.ParseTolerant(version)
	if err != nil {
		return fmt.Errorf("-alertmanager-version: %w", err)
	}
	am := &monitoringv1.Alertmanager{ObjectMeta: metav1.ObjectMeta{Name: "alertmanager", Namespace: namespace}}
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	// No receiver of ours reads a Secret or ConfigMap, so an empty store is enough.
	builder := alertmanager.NewConfigBuilder(logger, amVersion, assets.NewTestStoreBuilder(), am)
	if err := builder.InitializeFromRawConfiguration(raw); err != nil {
		return fmt.Errorf("%s: %w", base, err)
	}
	configs := map[string]*monitoringv1alpha1.AlertmanagerConfig{}
	for _, file := range files {
		if err := readConfigs(file, configs); err != nil {
			return err
		}
	}
	if err := builder.AddAlertmanagerConfigs(context.Background(), configs); err != nil {
		return err
	}
	generated, err := builder.MarshalJSON()
	if err != nil {
		return err
	}
	_, err = out.Write(generated)
	return err
}

// readConfigs adds every AlertmanagerConfig of a multi-document YAML file; other kinds are skipped,
// so a whole `kustomize build` of the tenants can be passed.
func readConfigs(file string, configs map[string]*monitoringv1alpha1.AlertmanagerConfig) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	decoder := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	for {
		var object monitoringv1alpha1.AlertmanagerConfig
		if err := decoder.Decode(&object); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("%s: %w", file, err)
		}
		if object.Kind != monitoringv1alpha1.AlertmanagerConfigKind {
			continue
		}
		if object.Namespace == "" {
			return fmt.Errorf("%s: AlertmanagerConfig %s has no namespace", file, object.Name)
		}
		configs[object.Namespace+"/"+object.Name] = &object
	}
}
