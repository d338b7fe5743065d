/**
 * Demo mode of the portal (`./run demo`): the repository's example functions on the in-repo test
 * servers and a real Prometheus.
 *
 * @packageDocumentation
 */

export * from './DemoCluster';
export * from './demoFleet';
