import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ALERT_SEVERITIES,
  FUNCTION_ALERT_LABELS,
  FunctionAlert,
  FunctionAlerts as FunctionAlertList,
  FunctionFleetAlerts,
  Unavailable,
} from '@internal/backstage-plugin-atonix-serverless-common';
import { AtonixCluster } from '../clusters';
import { fetchWithTimeout } from '../upstream';
import { PeriodicRefresh } from '../util/PeriodicRefresh';

/** An alert that started firing or resolved, for whoever tells the function's owners. */
export interface AlertTransition {
  cluster: string;
  namespace: string;
  function: string;
  alert: FunctionAlert;
}

/** How to build {@link FunctionAlerts}. */
export interface FunctionAlertsOptions {
  clusters: AtonixCluster[];
  logger: LoggerService;
  timeoutMs: number;
  /** How long a resolved alert stays in the list. Default 24 hours. */
  resolvedRetentionMs?: number;
  /** Called once per alert that starts firing or resolves, after the first read of a cluster. */
  onTransition?: (transition: AlertTransition) => Promise<void>;
}

/** One alert as Alertmanager's API v2 returns it (`GET /api/v2/alerts`, gettableAlert). */
interface GettableAlert {
  fingerprint: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
  startsAt: string;
}

interface ClusterAlerts {
  /** Firing alerts by `<namespace>/<function>`, then by fingerprint. */
  firing: Map<string, Map<string, FunctionAlert>>;
  resolved: Map<string, FunctionAlert[]>;
  /** Why the last read failed; the lists above are then the last known ones. */
  error?: string;
}

const key = (namespace: string, name: string) => `${namespace}/${name}`;
const rank = (severity: string) =>
  (ALERT_SEVERITIES as readonly string[]).indexOf(severity);

/**
 * The functions' alerts, read from each cluster's Alertmanager every `refreshMs`: the alerts
 * labelled with a function's `team` (= its namespace) and `function`, which is how the rules
 * rendered from its objectives label them. Alertmanager forgets an alert once it resolves, so the
 * recently resolved ones are the alerts seen firing before and gone since, kept here in memory; a
 * restart of the portal starts that list afresh. Each transition after the first read is handed to
 * `onTransition` (the owners' notification).
 */
export class FunctionAlerts extends PeriodicRefresh {
  readonly #clusters: AtonixCluster[];
  readonly #logger: LoggerService;
  readonly #timeoutMs: number;
  readonly #retentionMs: number;
  readonly #onTransition?: FunctionAlertsOptions['onTransition'];
  readonly #state = new Map<string, ClusterAlerts>();

  static create(options: FunctionAlertsOptions): FunctionAlerts {
    return new FunctionAlerts(options);
  }

  private constructor(options: FunctionAlertsOptions) {
    super(error =>
      options.logger.warn(`Could not read the functions' alerts: ${error}`),
    );
    this.#clusters = options.clusters.filter(c => c.alertmanagerUrl);
    this.#logger = options.logger;
    this.#timeoutMs = options.timeoutMs;
    this.#retentionMs = options.resolvedRetentionMs ?? 24 * 3600_000;
    this.#onTransition = options.onTransition;
  }

  /** Reads every cluster's Alertmanager. */
  protected async read(): Promise<void> {
    await Promise.all(
      this.#clusters.map(cluster => this.#refreshCluster(cluster)),
    );
  }

  /** A function's firing and recently resolved alerts. */
  of(
    cluster: string,
    namespace: string,
    name: string,
  ): FunctionAlertList | Unavailable {
    const state = this.#available(cluster);
    if ('unavailable' in state) return state;
    const cutoff = Date.now() - this.#retentionMs;
    return {
      firing: [...(state.firing.get(key(namespace, name))?.values() ?? [])],
      resolved: (state.resolved.get(key(namespace, name)) ?? []).filter(
        alert => Date.parse(alert.endsAt!) >= cutoff,
      ),
    };
  }

  /** How many alerts of a function fire, and the most urgent severity among them. */
  summary(
    cluster: string,
    namespace: string,
    name: string,
  ): FunctionFleetAlerts | Unavailable {
    const alerts = this.of(cluster, namespace, name);
    if ('unavailable' in alerts) return alerts;
    const severity = alerts.firing
      .map(alert => alert.severity)
      .sort((a, b) => rank(b) - rank(a))[0];
    return { firing: alerts.firing.length, ...(severity && { severity }) };
  }

  #available(cluster: string): ClusterAlerts | Unavailable {
    if (!this.#clusters.some(c => c.name === cluster)) {
      return {
        unavailable: `No Alertmanager is configured for cluster "${cluster}" (atonix.clusters.${cluster}.alertmanager)`,
      };
    }
    const state = this.#state.get(cluster);
    if (!state) {
      return {
        unavailable: `The alerts of cluster "${cluster}" have not been read from Alertmanager yet`,
      };
    }
    if (state.error) {
      return { unavailable: state.error };
    }
    return state;
  }

  async #refreshCluster(cluster: AtonixCluster) {
    const previous = this.#state.get(cluster.name);
    let alerts: GettableAlert[];
    try {
      // Silenced and inhibited alerts still fire: the owners see them, marked by their labels.
      const res = await fetchWithTimeout(
        `${cluster.alertmanagerUrl}/api/v2/alerts?active=true&silenced=true&inhibited=true`,
        this.#timeoutMs,
        `Alertmanager of cluster ${cluster.name}`,
      );
      if (!res.ok) {
        throw new Error(
          `Alertmanager of cluster ${cluster.name} answered ${res.status}: ${(
            await res.text()
          ).slice(0, 200)}`,
        );
      }
      alerts = (await res.json()) as GettableAlert[];
    } catch (error) {
      const reason = (error as Error).message;
      this.#logger.debug(reason);
      this.#state.set(cluster.name, {
        firing: previous?.firing ?? new Map(),
        resolved: previous?.resolved ?? new Map(),
        error: reason,
      });
      return;
    }

    const firing = new Map<string, Map<string, FunctionAlert>>();
    for (const alert of alerts) {
      const namespace = alert.labels[FUNCTION_ALERT_LABELS.team];
      const name = alert.labels[FUNCTION_ALERT_LABELS.function];
      if (!namespace || !name) continue;
      const of = firing.get(key(namespace, name)) ?? new Map();
      of.set(alert.fingerprint, toFunctionAlert(alert));
      firing.set(key(namespace, name), of);
    }
    const resolved = new Map(previous?.resolved ?? []);
    const transitions: AlertTransition[] = [];
    const now = new Date().toISOString();
    for (const [fn, before] of previous?.firing ?? []) {
      for (const [fingerprint, alert] of before) {
        if (!firing.get(fn)?.has(fingerprint)) {
          const ended: FunctionAlert = {
            ...alert,
            state: 'resolved',
            endsAt: now,
          };
          resolved.set(fn, [ended, ...(resolved.get(fn) ?? [])]);
          transitions.push(transition(cluster.name, fn, ended));
        }
      }
    }
    for (const [fn, now_] of firing) {
      for (const [fingerprint, alert] of now_) {
        if (previous && !previous.firing.get(fn)?.has(fingerprint)) {
          transitions.push(transition(cluster.name, fn, alert));
        }
      }
    }
    const cutoff = Date.now() - this.#retentionMs;
    for (const [fn, list] of resolved) {
      const kept = list.filter(alert => Date.parse(alert.endsAt!) >= cutoff);
      if (kept.length) resolved.set(fn, kept);
      else resolved.delete(fn);
    }
    this.#state.set(cluster.name, { firing, resolved });
    for (const t of transitions) {
      await this.#onTransition?.(t).catch(error =>
        this.#logger.warn(
          `Could not tell the owners of ${t.namespace}/${t.function} that ${t.alert.name} is ${t.alert.state}: ${error}`,
        ),
      );
    }
  }
}

function toFunctionAlert(alert: GettableAlert): FunctionAlert {
  return {
    fingerprint: alert.fingerprint,
    name: alert.labels.alertname ?? '(unnamed)',
    severity: alert.labels[FUNCTION_ALERT_LABELS.severity] ?? 'warning',
    state: 'firing',
    ...(alert.annotations?.summary && { summary: alert.annotations.summary }),
    ...(alert.annotations?.description && {
      description: alert.annotations.description,
    }),
    startsAt: alert.startsAt,
    labels: alert.labels,
  };
}

function transition(
  cluster: string,
  fn: string,
  alert: FunctionAlert,
): AlertTransition {
  const [namespace, name] = fn.split('/');
  return { cluster, namespace, function: name, alert };
}
