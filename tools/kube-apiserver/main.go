// Command kube-apiserver is the Kubernetes API server the tests and the demo run against:
// the upstream kube-apiserver (k8s.io/kubernetes/cmd/kube-apiserver/app) in one process with an
// embedded etcd, so nothing is downloaded or vendored. Everything it is told comes from its
// launcher, packages/atonix-test-servers/src/kube/KubeApiServerProcess.ts.
//
//	kube-apiserver -etcd-dir D -etcd-client 127.0.0.1:P -etcd-peer 127.0.0.1:Q -- <kube-apiserver flags>
//
// SIGUSR1 compacts etcd at its current revision (what kube-apiserver does itself every five minutes),
// so a test can make a watch from an older resourceVersion answer 410 Gone when it chooses.
package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/component-base/cli"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	own := flag.NewFlagSet("kube-apiserver", flag.ExitOnError)
	dir := own.String("etcd-dir", "", "etcd data directory (kept across restarts)")
	client := own.String("etcd-client", "127.0.0.1:2379", "etcd client address, loopback only")
	peer := own.String("etcd-peer", "127.0.0.1:2380", "etcd peer address, loopback only")
	_ = own.Parse(os.Args[1:])
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "kube-apiserver: -etcd-dir is required")
		os.Exit(2)
	}

	etcd, err := startEtcd(*dir, *client, *peer)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kube-apiserver: etcd did not start: %v\n", err)
		os.Exit(1)
	}
	defer etcd.Close()
	compactOnSignal(etcd)

	command := app.NewAPIServerCommand()
	command.SetArgs(append(own.Args(), "--etcd-servers=http://"+*client))
	os.Exit(cli.Run(command))
}

func startEtcd(dir, client, peer string) (*embed.Etcd, error) {
	cfg := embed.NewConfig()
	cfg.Dir = dir
	cfg.LogLevel = "error"
	clientURL := url.URL{Scheme: "http", Host: client}
	peerURL := url.URL{Scheme: "http", Host: peer}
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{clientURL}, []url.URL{clientURL}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peerURL}, []url.URL{peerURL}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	etcd, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, err
	}
	select {
	case <-etcd.Server.ReadyNotify():
		return etcd, nil
	case err := <-etcd.Err():
		etcd.Close()
		return nil, err
	}
}

func compactOnSignal(etcd *embed.Etcd) {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGUSR1)
	go func() {
		for range signals {
			revision := etcd.Server.KV().Rev()
			_, err := etcd.Server.Compact(context.Background(), &pb.CompactionRequest{Revision: revision, Physical: true})
			if err != nil {
				fmt.Fprintf(os.Stderr, "kube-apiserver: compaction at revision %d failed: %v\n", revision, err)
				continue
			}
			fmt.Fprintf(os.Stderr, "kube-apiserver: compacted etcd at revision %d\n", revision)
		}
	}()
}
