/**
 * The Atonix Serverless backend plugin, and what permission policies and other backend modules
 * need from it.
 *
 * @packageDocumentation
 */

export { atonixServerlessPlugin as default } from './plugin';
export * from './extensions';
export { FunctionInventory } from './inventory/FunctionInventory';
export type { FunctionInventoryOptions } from './inventory/FunctionInventory';
export { PrometheusMetrics } from './prometheus/PrometheusMetrics';
export { FleetMetrics } from './prometheus/FleetMetrics';
export type { FleetMetricsOptions } from './prometheus/FleetMetrics';
export { LokiLogs } from './loki/LokiLogs';
export { knativeRuntime, openfaasRuntime } from './runtimes';
export { lokiLogsServiceRef, prometheusMetricsServiceRef } from './services';
