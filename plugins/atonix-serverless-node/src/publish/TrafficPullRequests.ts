import { Config } from '@backstage/config';
import { stringifyError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import {
  TrafficPullRequest,
  formatFunctionSpecIssues,
  specTraffic,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { Octokit } from '@octokit/rest';
import { parseFunctionFile } from '../functionFile';
import { FreshCache } from '../util/FreshCache';
import {
  FUNCTION_FILE_NAME,
  GITOPS_REPOSITORY_FOLDER,
  functionFolderPath,
} from '../render/names';
import { PublishSettings } from './PublishSettings';

/**
 * How long one answer from GitHub is reused. The traffic card reads the view on every cluster
 * change and while a change's task runs; 15 s keeps that to at most four GitHub calls a minute per
 * function, and a new pull request shows on the card within 15 s.
 */
export const TRAFFIC_PULL_REQUEST_FRESHNESS_MS = 15_000;

/** How long one lookup (both of its GitHub calls) may take before the view says why it has none. */
export const TRAFFIC_PULL_REQUEST_TIMEOUT_MS = 5_000;

/**
 * The branch the function-traffic template opens its pull request from: its `publish:github:pull-request`
 * step's `branchName` (templates/function-traffic.yaml). One branch per function, so a second change
 * updates the open pull request.
 */
export function trafficBranchName(functionName: string): string {
  return `traffic-${functionName}`;
}

/** What GitHub says about a function's traffic pull request. */
export type TrafficPullRequestState =
  | { pullRequest?: TrafficPullRequest }
  | { pullRequestUnknown: string };

/**
 * The open pull request of a function's traffic change on GitHub (`publishTarget: github`), with the
 * split its `function.yaml` proposes. Asks GitHub through the portal's GitHub integration
 * (`integrations.github`, token or GitHub App); answers are cached for
 * {@link TRAFFIC_PULL_REQUEST_FRESHNESS_MS}, failures included, and a failure is reported as a reason,
 * never thrown: the traffic view stands without it.
 */
export class TrafficPullRequests {
  readonly #settings: PublishSettings;
  readonly #integrations: ScmIntegrations;
  readonly #credentials: DefaultGithubCredentialsProvider;
  readonly #cache: FreshCache<TrafficPullRequestState>;

  static fromConfig(
    config: Config,
    options: { settings: PublishSettings; now?: () => number },
  ): TrafficPullRequests {
    return new TrafficPullRequests(config, options.settings, options.now);
  }

  private constructor(
    config: Config,
    settings: PublishSettings,
    now: () => number = Date.now,
  ) {
    this.#settings = settings;
    this.#integrations = ScmIntegrations.fromConfig(config);
    this.#credentials = DefaultGithubCredentialsProvider.fromIntegrations(
      this.#integrations,
    );
    this.#cache = new FreshCache({
      freshnessMs: TRAFFIC_PULL_REQUEST_FRESHNESS_MS,
      now,
    });
  }

  /** The open pull request of `fn`'s traffic branch, if any; or why GitHub could not say. */
  lookup(fn: { team: string; name: string }): Promise<TrafficPullRequestState> {
    // A failure becomes the answer, so it is kept as long as any other.
    return this.#cache.get(`${fn.team}/${fn.name}`, () =>
      this.#ask(fn).catch(error => ({
        pullRequestUnknown: stringifyError(error),
      })),
    );
  }

  async #ask(fn: {
    team: string;
    name: string;
  }): Promise<TrafficPullRequestState> {
    const { webUrl } = this.#settings.gitopsRepository();
    const [owner, repo] = new URL(webUrl).pathname.split('/').filter(Boolean);
    const integration = this.#integrations.github.byUrl(webUrl);
    if (!integration) {
      throw new Error(
        `no integrations.github entry for ${
          new URL(webUrl).host
        }; add one with a token or GitHub App for the GitOps repository`,
      );
    }
    const { token } = await this.#credentials.getCredentials({ url: webUrl });
    const octokit = new Octokit({
      auth: token,
      baseUrl: integration.config.apiBaseUrl,
      request: { signal: AbortSignal.timeout(TRAFFIC_PULL_REQUEST_TIMEOUT_MS) },
    });
    // `head` is `owner:branch` in GitHub's filter; the newest open one is the one the template updates.
    const { data: pulls } = await octokit.pulls.list({
      owner,
      repo,
      head: `${owner}:${trafficBranchName(fn.name)}`,
      base: this.#settings.gitopsBranch,
      state: 'open',
    });
    const pull = pulls[0];
    if (!pull) {
      return {};
    }
    const path = [
      GITOPS_REPOSITORY_FOLDER,
      functionFolderPath(fn),
      FUNCTION_FILE_NAME,
    ].join('/');
    const { data: file } = await octokit.repos.getContent({
      owner,
      repo,
      path,
      ref: pull.head.sha,
    });
    if (Array.isArray(file) || file.type !== 'file') {
      throw new Error(`${path} on ${pull.head.ref} is not a file`);
    }
    const parsed = parseFunctionFile(
      Buffer.from(file.content, 'base64').toString('utf8'),
    );
    if (!parsed.success) {
      throw new Error(
        `${path} on branch ${pull.head.ref} of pull request #${
          pull.number
        } is invalid; fix it in the pull request:\n${formatFunctionSpecIssues(
          parsed.issues,
        )}`,
      );
    }
    return {
      pullRequest: {
        number: pull.number,
        url: pull.html_url,
        title: pull.title,
        traffic: specTraffic(parsed.spec),
        openedAt: pull.created_at,
      },
    };
  }
}
