/**
 * Git over HTTP on loopback for the local portal's scaffolder and its tests.
 *
 * @packageDocumentation
 */
export { LocalGitServer, runGit, seedRepository } from './LocalGitServer';
export type { LocalGitServerOptions } from './LocalGitServer';
