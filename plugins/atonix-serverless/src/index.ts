/**
 * Atonix Serverless frontend plugin.
 *
 * @packageDocumentation
 */

export { atonixServerlessPlugin as default } from './plugin';
export * from './api';
