import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Worker } from 'node:worker_threads';

/** A schema problem: where in the object (JSON pointer), which check, and the message. */
export interface SchemaIssue {
  pointer: string;
  keyword: string;
  message: string;
}

export interface PackagedSchemaResult {
  /** False when no `@kubernetes-models` package has a schema for the object's apiVersion and kind. */
  known: boolean;
  issues: SchemaIssue[];
}

interface WorkerReply {
  id?: number;
  ready?: boolean;
  results?: PackagedSchemaResult[];
}

/**
 * Strict validation against the schemas the `@kubernetes-models/*` packages carry (Kubernetes,
 * Knative, Flux, prometheus-operator, KEDA), run in a worker thread (see the worker for why).
 */
export class PackagedSchemas {
  readonly #worker: Worker;
  readonly #pending = new Map<
    number,
    (results: PackagedSchemaResult[]) => void
  >();
  #nextId = 0;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (reply: WorkerReply) => {
      if (reply.id !== undefined && reply.results) {
        this.#pending.get(reply.id)?.(reply.results);
        this.#pending.delete(reply.id);
      }
    });
  }

  static async create(): Promise<PackagedSchemas> {
    const worker = new Worker(
      resolvePackagePath(
        '@internal/backstage-plugin-atonix-serverless-node',
        'worker/packagedSchemaWorker.mjs',
      ),
    );
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (reply: WorkerReply) =>
        reply.ready ? resolve() : reject(new Error('schema worker failed')),
      );
    });
    return new PackagedSchemas(worker);
  }

  validate(objects: unknown[]): Promise<PackagedSchemaResult[]> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, resolve);
      this.#worker.once('error', reject);
      this.#worker.postMessage({ id, objects });
    });
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}
