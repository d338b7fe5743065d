/**
 * Isomorphic code shared by the Atonix Serverless frontend and backend packages: the function
 * model, the API types and the permissions.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './functionSpec';
export * from './permissions';
export * from './api';
// Both the spec and the API name a trigger; the bare name stays the spec's, the API's is
// `FunctionStatus['triggers'][number]` until one of them is renamed.
export type { FunctionTrigger } from './functionSpec';
