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
    {
      resolve: (results: PackagedSchemaResult[]) => void;
      reject: (error: Error) => void;
    }
  >();
  #nextId = 0;

  private constructor(worker: Worker) {
    this.#worker = worker;
    worker.on('message', (reply: WorkerReply) => {
      if (reply.id !== undefined && reply.results) {
        this.#pending.get(reply.id)?.resolve(reply.results);
        this.#pending.delete(reply.id);
        if (this.#pending.size === 0) {
          worker.unref();
        }
      }
    });
    worker.on('error', (error: Error) => {
      for (const { reject } of this.#pending.values()) {
        reject(error);
      }
      this.#pending.clear();
    });
  }

  static #shared?: Promise<PackagedSchemas>;

  /**
   * One worker per process, started on first use: loading the schema packages takes about a
   * second, and the worker does not keep the process alive.
   */
  static shared(): Promise<PackagedSchemas> {
    PackagedSchemas.#shared ??= PackagedSchemas.#start().then(
      schemas => {
        schemas.#worker.unref();
        return schemas;
      },
      error => {
        // Let the next validation try again rather than fail forever.
        PackagedSchemas.#shared = undefined;
        throw error;
      },
    );
    return PackagedSchemas.#shared;
  }

  static async #start(): Promise<PackagedSchemas> {
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
      this.#pending.set(id, { resolve, reject });
      // Only a pending answer keeps the process alive; see `shared`.
      this.#worker.ref();
      this.#worker.postMessage({ id, objects });
    });
  }
}
