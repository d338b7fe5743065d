import { promises as fs } from 'node:fs';
import { join, relative } from 'node:path';
import {
  Document,
  LineCounter,
  isMap,
  isNode,
  isScalar,
  isSeq,
  parseAllDocuments,
} from 'yaml';

/** A place in the tree a person can open: the file (as shown to the user) and a 1-based line. */
export interface SourceLocation {
  file: string;
  line: number;
}

interface SourceDoc {
  file: string;
  doc: Document;
  lines: LineCounter;
  namespace?: string;
}

/** Every `.yaml`/`.yml` file under `dir`, skipping hidden folders and those `enter` refuses. */
export async function listYamlFiles(
  dir: string,
  enter: (folder: string) => boolean = () => true,
): Promise<string[]> {
  const files: string[] = [];
  const walk = async (folder: string) => {
    const entries = await fs.readdir(folder, { withFileTypes: true });
    for (const entry of entries) {
      if (entry.name.startsWith('.') || entry.name === 'node_modules') {
        continue;
      }
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (enter(path)) await walk(path);
      } else if (/\.ya?ml$/.test(entry.name)) {
        files.push(path);
      }
    }
  };
  await walk(dir);
  return files.sort();
}

/** The line of the node at `path` in `doc`, or of its nearest existing ancestor. */
export function lineOf(
  doc: Document,
  lines: LineCounter,
  path: ReadonlyArray<string | number>,
): number {
  for (let depth = path.length; depth >= 0; depth--) {
    const node =
      depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) {
      return lines.linePos(node.range[0]).line;
    }
  }
  return 1;
}

/**
 * The field path of the innermost node of `doc` that holds text offset `offset`, e.g.
 * `['data', 'notify.yaml']`; `[]` when the offset is outside every field.
 */
export function pathAtOffset(
  doc: Document,
  offset: number,
): Array<string | number> {
  const path: Array<string | number> = [];
  const holds = (node: unknown) =>
    isNode(node) &&
    node.range !== undefined &&
    node.range !== null &&
    node.range[0] <= offset &&
    offset < node.range[2];
  let node: unknown = doc.contents;
  for (;;) {
    if (isMap(node)) {
      const pair = node.items.find(item => holds(item.value));
      if (!pair) break;
      path.push(isScalar(pair.key) ? String(pair.key.value) : String(pair.key));
      node = pair.value;
    } else if (isSeq(node)) {
      const index = node.items.findIndex(holds);
      if (index < 0) break;
      path.push(index);
      node = node.items[index];
    } else {
      break;
    }
  }
  return path;
}

/**
 * Finds where a built object came from, so a violation found in `kustomize build` output points
 * at the line a person edits. Source files are parsed only when the first violation needs them.
 */
export class SourceIndex {
  readonly #root: string;
  readonly #display: (absolute: string) => string;
  readonly #include: (file: string) => boolean;
  #byObject?: Promise<Map<string, SourceDoc[]>>;

  /** `include` limits the folders and files searched (an incremental run reads only its own). */
  constructor(
    root: string,
    display: (absolute: string) => string,
    include: (file: string) => boolean = () => true,
  ) {
    this.#root = root;
    this.#display = display;
    this.#include = include;
  }

  async locate(
    object: {
      kind?: unknown;
      metadata?: { name?: unknown; namespace?: unknown };
    },
    path: ReadonlyArray<string | number>,
    fallbackFile: string,
  ): Promise<SourceLocation> {
    const source = await this.#source(object);
    if (!source) {
      return { file: this.#display(fallbackFile), line: 1 };
    }
    return {
      file: this.#display(source.file),
      line: lineOf(source.doc, source.lines, path),
    };
  }

  /** The file a built object was written in (absolute), if it is in the tree. */
  async fileOf(object: {
    kind?: unknown;
    metadata?: { name?: unknown; namespace?: unknown };
  }): Promise<string | undefined> {
    return (await this.#source(object))?.file;
  }

  async #source(object: {
    kind?: unknown;
    metadata?: { name?: unknown; namespace?: unknown };
  }): Promise<SourceDoc | undefined> {
    this.#byObject ??= this.#load();
    const candidates =
      (await this.#byObject).get(`${object.kind}/${object.metadata?.name}`) ??
      [];
    return (
      candidates.find(c => c.namespace === object.metadata?.namespace) ??
      candidates[0]
    );
  }

  async #load(): Promise<Map<string, SourceDoc[]>> {
    const byObject = new Map<string, SourceDoc[]>();
    for (const file of (await listYamlFiles(this.#root, this.#include)).filter(
      this.#include,
    )) {
      const lines = new LineCounter();
      const text = await fs.readFile(file, 'utf8');
      for (const doc of parseAllDocuments(text, { lineCounter: lines })) {
        if (!(doc instanceof Document)) continue;
        const kind = doc.get('kind');
        const name = doc.getIn(['metadata', 'name']);
        if (typeof kind === 'string' && typeof name === 'string') {
          const key = `${kind}/${name}`;
          const namespace = doc.getIn(['metadata', 'namespace']);
          byObject.set(key, [
            ...(byObject.get(key) ?? []),
            {
              file,
              doc,
              lines,
              namespace: typeof namespace === 'string' ? namespace : undefined,
            },
          ]);
        }
      }
    }
    return byObject;
  }
}

/** `absolute` shown relative to the folder the user named, e.g. `gitops/functions/...`. */
export function displayPath(dirAsGiven: string, dirAbsolute: string) {
  return (absolute: string) =>
    join(dirAsGiven, relative(dirAbsolute, absolute));
}
