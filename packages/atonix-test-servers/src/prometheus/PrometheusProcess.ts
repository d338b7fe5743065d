import fs from 'node:fs/promises';
import path from 'node:path';
import { pushTimeseries } from 'prometheus-remote-write';
import { LocalProcess } from '../LocalProcess';

/** One series to write: its labels (with `__name__`) and `[unix ms, value]` samples, oldest first. */
export interface SeedSeries {
  labels: { __name__: string; [label: string]: string };
  samples: Array<[number, number]>;
}

export interface PrometheusProcessOptions {
  /** Path of the prometheus binary; default `/usr/bin/prometheus` (Debian package). */
  binary?: string;
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /** Rule files to evaluate (plain rule groups, as promtool reads them), by file name. */
  rules?: Record<string, object>;
  /** How often rules are evaluated; default 1m, as in the clusters. */
  evaluationInterval?: string;
  /** An Alertmanager (`AlertmanagerProcess.url`) the firing alerts are sent to. */
  alertmanagerUrl?: string;
}

/**
 * A real Prometheus (the Debian package) started with an empty TSDB in a temporary folder and the
 * remote-write receiver on, so tests and the demo can seed series instantly. It scrapes nothing.
 * Out-of-order ingestion is allowed for a day, so seeds may be written in any order. Given rules
 * and an Alertmanager, it evaluates them and sends what fires, as a cluster's Prometheus does.
 */
export class PrometheusProcess {
  readonly #process: LocalProcess;

  static async start(
    options: PrometheusProcessOptions = {},
  ): Promise<PrometheusProcess> {
    const rules = Object.entries(options.rules ?? {});
    const alertmanager = options.alertmanagerUrl
      ? new URL(options.alertmanagerUrl)
      : undefined;
    const server = await LocalProcess.start({
      name: 'Prometheus',
      binary: options.binary ?? '/usr/bin/prometheus',
      debianPackage: 'prometheus',
      port: options.port,
      prepare: async dir => {
        for (const [name, groups] of rules) {
          await fs.writeFile(path.join(dir, name), JSON.stringify(groups));
        }
        // JSON is YAML: the configuration is written as JSON to need no YAML library here.
        await fs.writeFile(
          path.join(dir, 'prometheus.yml'),
          JSON.stringify({
            global: {
              scrape_interval: '1h',
              evaluation_interval: options.evaluationInterval ?? '1m',
            },
            storage: { tsdb: { out_of_order_time_window: '1d' } },
            rule_files: rules.map(([name]) => path.join(dir, name)),
            ...(alertmanager && {
              alerting: {
                alertmanagers: [
                  {
                    scheme: alertmanager.protocol.replace(':', ''),
                    static_configs: [{ targets: [alertmanager.host] }],
                  },
                ],
              },
            }),
          }),
        );
      },
      args: (dir, port) => [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--web.enable-remote-write-receiver',
        // Prometheus sends a firing alert again only after this delay (default 1m); the first send
        // can come before the Alertmanager target is discovered, so tests would wait a minute.
        ...(alertmanager ? ['--rules.alert.resend-delay=1s'] : []),
        '--log.level=warn',
      ],
    });
    return new PrometheusProcess(server);
  }

  private constructor(server: LocalProcess) {
    this.#process = server;
  }

  get url(): string {
    return this.#process.url;
  }

  get port(): number {
    return this.#process.port;
  }

  /** Writes series through the remote-write receiver; throws with Prometheus' reason on refusal. */
  async write(series: SeedSeries[]): Promise<void> {
    // Remote write takes a bounded body; a few hundred series per request stays well under it.
    for (let i = 0; i < series.length; i += 200) {
      const result = await pushTimeseries(
        series.slice(i, i + 200).map(s => ({
          labels: s.labels,
          samples: s.samples.map(([timestamp, value]) => ({
            timestamp,
            value,
          })),
        })),
        {
          url: `${this.url}/api/v1/write`,
          fetch: globalThis.fetch as any,
          timeout: 10_000,
        },
      );
      if (result.status !== 204 && result.status !== 200) {
        throw new Error(
          `Prometheus refused the remote write: ${result.status} ${
            result.statusText
          } ${result.errorMessage ?? ''}`,
        );
      }
    }
  }

  stop(): Promise<void> {
    return this.#process.stop();
  }
}
