/**
 * Catalog entity provider of Atonix Serverless.
 *
 * @packageDocumentation
 */

export { catalogModuleAtonixServerless as default } from './module';
