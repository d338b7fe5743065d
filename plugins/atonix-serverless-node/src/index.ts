/**
 * Node library of Atonix Serverless: renders a function spec into Kubernetes manifests, validates a
 * GitOps tree against the platform rules, the `atonix` CLI, and the function permission rule and
 * conditions that the backend plugin and permission policies share.
 *
 * @packageDocumentation
 */

export * from './permissions';
export * from './clusterRuntimes';
export * from './policy/secrets';
export * from './policy/rules';
export * from './functionFile';
export * from './gitopsSource';
export * from './render/names';
export * from './render/knative';
export * from './render/sources';
export * from './render/openfaas';
export * from './render/functionFolder';
export * from './render/runtimes';
export * from './render/alerts';
export * from './render/writeFunctionFolder';
export * from './render/tenant';
export { kustomizeBuild } from './validate/kustomize';
export { unpinnedImageReason } from './validate/tenantRules';
export type { KustomizeBuild } from './validate/kustomize';
export {
  formatViolation,
  validateGitopsTree,
} from './validate/validateGitopsTree';
export type { ValidateOptions, Violation } from './validate/validateGitopsTree';
export { encryptSecret, SOPS_FORMAT_VERSION } from './sops/encryptSecret';
export type { PlainSecret, SopsRecipients } from './sops/encryptSecret';
export {
  SOPS_CONFIG_FILE,
  SECRET_ENCRYPTED_REGEX,
  addCreationRule,
  ageRecipientProblem,
  creationRuleFor,
  parseSopsConfig,
  readSopsConfig,
} from './sops/sopsConfig';
export type { SopsConfig, SopsCreationRule } from './sops/sopsConfig';
export {
  NoSopsRecipientsError,
  TEAM_SECRETS_FOLDER,
  sopsRecipientsFor,
  teamCreationRule,
  teamSecretPath,
  writeTeamSecret,
} from './sops/writeTeamSecret';
export {
  FLUX_RECEIVER_TOKEN_KEY,
  FLUX_RECEIVER_TOKEN_SECRET,
  writeFluxReceiverToken,
} from './sops/fluxReceiverToken';
export {
  checkRevisionHistory,
  nextRevisionName,
  readRevisionHistory,
} from './validate/revisionHistory';
export type { RevisionHistory } from './validate/revisionHistory';
export * from './publish/PublishSettings';
export * from './publish/gitopsCheckout';
export * from './publish/trafficCommit';
export * from './publish/TrafficPullRequests';
export * from './util/FreshCache';
