/**
 * Atonix Serverless frontend plugin (new frontend system). Apps on the legacy system import
 * from `@internal/backstage-plugin-atonix-serverless/legacy`.
 *
 * @packageDocumentation
 */

export { atonixServerlessPlugin as default } from './plugin';
export * from './api';
export { isFunctionEntity } from './isFunctionEntity';
