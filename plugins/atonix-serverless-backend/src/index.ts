/**
 * The Atonix Serverless backend plugin, and what permission policies and other backend modules
 * need from it.
 *
 * @packageDocumentation
 */

export { atonixServerlessPlugin as default } from './plugin';
export {
  FunctionInventory,
  functionInventoryServiceRef,
} from './inventory/FunctionInventory';
export {
  PrometheusMetrics,
  prometheusMetricsServiceRef,
} from './prometheus/PrometheusMetrics';
export {
  FleetMetrics,
  fleetMetricsServiceRef,
} from './prometheus/FleetMetrics';
export { LokiLogs, lokiLogsServiceRef } from './loki/LokiLogs';
