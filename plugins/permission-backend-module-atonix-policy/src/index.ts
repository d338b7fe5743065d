/**
 * The Atonix Serverless permission policy: team boundaries for functions, catalog entities and
 * templates, configured under `permission.atonix`.
 *
 * @packageDocumentation
 */

export { permissionModuleAtonixPolicy as default } from './module';
export { AtonixPermissionPolicy } from './AtonixPermissionPolicy';
export { readPolicySettings } from './PolicySettings';
export type { Audience, PolicySettings } from './PolicySettings';
