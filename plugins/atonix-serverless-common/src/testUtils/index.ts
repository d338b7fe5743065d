/**
 * Test helpers for packages that consume the Atonix Serverless API types.
 *
 * @packageDocumentation
 */

export { functionStatus } from './functionStatus';
