/**
 * Isomorphic code shared by the Atonix Serverless frontend and backend packages: the function
 * model, the API types and the permissions.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './entityLink';
export * from './values';
export * from './functionSpec';
export * from './objectives';
export * from './trafficChange';
export * from './permissions';
export * from './signIn';
export * from './api';
export * from './invoke';
export * from './trace';
export * from './age';
