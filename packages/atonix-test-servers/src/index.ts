/**
 * The servers the tests, the benchmarks and the demo run against: the real Kubernetes API server
 * (built from Go modules, with the platform's CRDs), a Kubernetes API fault server for what a real
 * one cannot be made to do on demand, a Loki API server, launchers for a real Prometheus and Alertmanager, and
 * real-shaped Knative, OpenFaaS and Flux objects to seed them with.
 *
 * @packageDocumentation
 */

export * from './eventually';
export { freePort } from './LocalProcess';
export * from './scaffolderTasks';
export * from './kube/KubeApiServerProcess';
export * from './kube/KubeApiTestServer';
export * from './kube/resources';
export * from './loki/LokiTestServer';
export * from './github/GitHubTestServer';
export * from './prometheus/PrometheusProcess';
export * from './prometheus/AlertmanagerProcess';
export * from './fixtures/objects';
export * from './fixtures/seeds';
