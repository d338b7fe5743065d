package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// The repository's kube-apiserver (tools/kube-apiserver, built by `./run setup`) and the CRDs
// generated next to it, started the way packages/atonix-test-servers/src/kube/KubeApiServerProcess.ts
// starts them for the TypeScript tests: loopback only, its own certificate, a static admin token.
var toolsDir = filepath.Join("..", "..", ".tools")

type apiServer struct {
	config *rest.Config
	dir    string
}

func startAPIServer(t *testing.T) *apiServer {
	t.Helper()
	binary := filepath.Join(toolsDir, "kube-apiserver", "kube-apiserver")
	if _, err := os.Stat(binary); err != nil {
		t.Fatalf("the Kubernetes API server is not built at %s; run ./run setup (it builds tools/kube-apiserver into .tools/)", binary)
	}
	dir := t.TempDir()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	check(t, err)
	keyFile := filepath.Join(dir, "service-account.key")
	check(t, os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600))
	secret := make([]byte, 24)
	_, err = rand.Read(secret)
	check(t, err)
	token := hex.EncodeToString(secret)
	check(t, os.WriteFile(filepath.Join(dir, "tokens.csv"), []byte(token+`,admin,admin,"system:masters"`), 0o600))

	port, etcdClient, etcdPeer := freePort(t), freePort(t), freePort(t)
	logFile := filepath.Join(dir, "kube-apiserver.log")
	log, err := os.Create(logFile)
	check(t, err)
	defer log.Close()
	command := exec.Command(binary,
		"-etcd-dir="+filepath.Join(dir, "etcd"),
		fmt.Sprintf("-etcd-client=127.0.0.1:%d", etcdClient),
		fmt.Sprintf("-etcd-peer=127.0.0.1:%d", etcdPeer),
		"--",
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", port),
		"--cert-dir="+filepath.Join(dir, "certs"),
		"--token-auth-file="+filepath.Join(dir, "tokens.csv"),
		"--authorization-mode=RBAC",
		"--service-account-key-file="+keyFile,
		"--service-account-signing-key-file="+keyFile,
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-cluster-ip-range=10.96.0.0/16",
		"--endpoint-reconciler-type=none",
	)
	command.Stderr = log
	check(t, command.Start())
	t.Cleanup(func() {
		_ = command.Process.Kill()
		_ = command.Wait()
	})

	var config *rest.Config
	eventually(t, 60*time.Second, func() error {
		if command.ProcessState != nil {
			return fmt.Errorf("kube-apiserver exited: %s", logTail(logFile))
		}
		ca, err := os.ReadFile(filepath.Join(dir, "certs", "apiserver.crt"))
		if err != nil {
			return fmt.Errorf("no certificate yet: %s", logTail(logFile))
		}
		config = &rest.Config{Host: fmt.Sprintf("https://127.0.0.1:%d", port), BearerToken: token, TLSClientConfig: rest.TLSClientConfig{CAData: ca}}
		client, err := kubernetes.NewForConfig(config)
		if err != nil {
			return err
		}
		body, err := client.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(context.Background())
		if err != nil {
			return fmt.Errorf("not ready (%v): %s", err, logTail(logFile))
		}
		if string(body) != "ok" {
			return fmt.Errorf("readyz answered %q", body)
		}
		return nil
	})

	return &apiServer{config: config, dir: dir}
}

// kubeconfigAs writes a kubeconfig file for the ServiceAccount namespace/name, with a token from
// the TokenRequest API: the credentials the service has in its pod.
func (s *apiServer) kubeconfigAs(t *testing.T, namespace, name string) string {
	t.Helper()
	request, err := kubernetes.NewForConfigOrDie(s.config).CoreV1().ServiceAccounts(namespace).
		CreateToken(context.Background(), name, &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	check(t, err)
	file := filepath.Join(s.dir, name+".kubeconfig")
	check(t, clientcmd.WriteToFile(clientcmdapi.Config{
		Clusters:       map[string]*clientcmdapi.Cluster{"test": {Server: s.config.Host, CertificateAuthorityData: s.config.CAData}},
		AuthInfos:      map[string]*clientcmdapi.AuthInfo{"test": {Token: request.Status.Token}},
		Contexts:       map[string]*clientcmdapi.Context{"test": {Cluster: "test", AuthInfo: "test"}},
		CurrentContext: "test",
	}, file))
	return file
}

// applyFile creates the objects of a YAML file of the repository (the kinds the deployment of
// caller-authz uses for its identity).
func (s *apiServer) applyFile(t *testing.T, file string) {
	t.Helper()
	text, err := os.ReadFile(file)
	check(t, err)
	resources := map[string]schema.GroupVersionResource{
		"Namespace":          {Version: "v1", Resource: "namespaces"},
		"ServiceAccount":     {Version: "v1", Resource: "serviceaccounts"},
		"ClusterRole":        {Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterroles"},
		"ClusterRoleBinding": {Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterrolebindings"},
	}
	client := dynamic.NewForConfigOrDie(s.config)
	decoder := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(text), 4096)
	for {
		object := &unstructured.Unstructured{}
		if err := decoder.Decode(&object.Object); err == io.EOF {
			return
		} else {
			check(t, err)
		}
		if len(object.Object) == 0 {
			continue
		}
		resource, known := resources[object.GetKind()]
		if !known {
			t.Fatalf("%s: applyFile does not know kind %s", file, object.GetKind())
		}
		_, err := client.Resource(resource).Namespace(object.GetNamespace()).Create(context.Background(), object, metav1.CreateOptions{})
		check(t, err)
	}
}

// installCRD creates the CustomResourceDefinition that `./run setup` generated into .tools/crds
// (tools/crds) and waits until its resource is served.
func (s *apiServer) installCRD(t *testing.T, file string, served schema.GroupVersionResource) {
	t.Helper()
	text, err := os.ReadFile(filepath.Join(toolsDir, "crds", file))
	if err != nil {
		t.Fatalf("no CRD %s in %s; run ./run setup (it generates them with tools/crds): %v", file, filepath.Join(toolsDir, "crds"), err)
	}
	crd := &unstructured.Unstructured{}
	decoder := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(text), 4096)
	// The file opens with a comment and a document separator: the first document with content is it.
	for len(crd.Object) == 0 {
		check(t, decoder.Decode(&crd.Object))
	}
	client := dynamic.NewForConfigOrDie(s.config)
	crds := schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	_, err = client.Resource(crds).Create(context.Background(), crd, metav1.CreateOptions{})
	check(t, err)
	eventually(t, 30*time.Second, func() error {
		_, err := client.Resource(served).List(context.Background(), metav1.ListOptions{})
		return err
	})
}

// logTail is the end of the server's log, for a failure message.
func logTail(file string) string {
	text, _ := os.ReadFile(file)
	if len(text) > 3000 {
		text = text[len(text)-3000:]
	}
	return string(text)
}

func freePort(t *testing.T) int {
	t.Helper()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	check(t, err)
	defer listener.Close()
	return listener.Addr().(*net.TCPAddr).Port
}

func eventually(t *testing.T, timeout time.Duration, condition func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := condition()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not within %s: %v", timeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
