/**
 * Wire-protocol test servers for Atonix Serverless: a Kubernetes API server and a Loki API server
 * written for tests, a launcher for a real Prometheus, and real-shaped Knative, OpenFaaS and Flux
 * objects to seed them with. Used by the backend's tests and benchmarks, the frontend's demo mode
 * and the browser tests.
 *
 * @packageDocumentation
 */

export * from './kube/KubeApiTestServer';
export * from './kube/resources';
export * from './loki/LokiTestServer';
export * from './prometheus/PrometheusProcess';
export * from './fixtures/objects';
export * from './fixtures/seeds';
export * from './demo';
