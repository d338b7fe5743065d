/**
 * Test support for the Software Templates in `templates/`: render a skeleton exactly as the
 * scaffolder does and run the rendered function repository's own tests.
 *
 * @packageDocumentation
 */

export * from './renderSkeleton';
export * from './functionRepoTests';
