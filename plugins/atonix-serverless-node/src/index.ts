/**
 * Node library of Atonix Serverless: renders a function spec into Kubernetes manifests, validates a
 * GitOps tree against the platform rules, and the `atonix` CLI.
 *
 * @packageDocumentation
 */

export * from './paths';
