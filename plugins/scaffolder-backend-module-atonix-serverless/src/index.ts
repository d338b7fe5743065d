/**
 * Scaffolder actions of Atonix Serverless.
 *
 * @packageDocumentation
 */

export { scaffolderModuleAtonixServerless as default } from './module';
