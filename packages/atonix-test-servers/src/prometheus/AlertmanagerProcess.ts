import fs from 'node:fs/promises';
import path from 'node:path';
import { LocalProcess } from '../LocalProcess';

export interface AlertmanagerProcessOptions {
  /** Path of the binary; default `/usr/bin/prometheus-alertmanager` (Debian package). */
  binary?: string;
  /** The configuration (alertmanager.yml text); default: one receiver that notifies nobody. */
  config?: string;
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
}

const SILENT_CONFIG = `route:
  receiver: nobody
receivers:
  - name: nobody
`;

/**
 * A real Alertmanager (the Debian package `prometheus-alertmanager`) on 127.0.0.1, alone (its
 * cluster gossip off), with its data in a temporary folder. Prometheus sends it alerts
 * (`PrometheusProcess.start({ alertmanagerUrl })`), or a test posts them to `/api/v2/alerts`.
 */
export class AlertmanagerProcess {
  readonly #process: LocalProcess;

  static async start(
    options: AlertmanagerProcessOptions = {},
  ): Promise<AlertmanagerProcess> {
    const server = await LocalProcess.start({
      name: 'Alertmanager',
      binary: options.binary ?? '/usr/bin/prometheus-alertmanager',
      debianPackage: 'prometheus-alertmanager',
      port: options.port,
      prepare: dir =>
        fs.writeFile(
          path.join(dir, 'alertmanager.yml'),
          options.config ?? SILENT_CONFIG,
        ),
      args: (dir, port) => [
        `--config.file=${path.join(dir, 'alertmanager.yml')}`,
        `--storage.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        // An empty address turns clustering off: no gossip port, no peers to wait for.
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
    });
    return new AlertmanagerProcess(server);
  }

  private constructor(server: LocalProcess) {
    this.#process = server;
  }

  get url(): string {
    return this.#process.url;
  }

  /**
   * Posts alerts as Prometheus does (`POST /api/v2/alerts`): an alert whose `endsAt` has passed is
   * resolved.
   */
  async post(
    alerts: Array<{
      labels: Record<string, string>;
      annotations?: Record<string, string>;
      startsAt?: string;
      endsAt?: string;
    }>,
  ): Promise<void> {
    const res = await fetch(`${this.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });
    if (!res.ok) {
      throw new Error(
        `Alertmanager refused the alerts: ${res.status} ${await res.text()}`,
      );
    }
  }

  stop(): Promise<void> {
    return this.#process.stop();
  }
}
