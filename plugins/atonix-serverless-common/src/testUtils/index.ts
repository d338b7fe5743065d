/**
 * Test helpers for packages that consume the Atonix Serverless API types.
 *
 * @packageDocumentation
 */

export { functionEntity } from './functionEntity';
export { functionStatus } from './functionStatus';
