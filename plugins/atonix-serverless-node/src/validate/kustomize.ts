import { execFile } from 'node:child_process';

export type KustomizeBuild =
  | { ok: true; output: string }
  | { ok: false; error: string };

/** The reason in kustomize's `Error: <reason>` line, or the text. */
function kustomizeError(stderr: string): string {
  const text = stderr.trim();
  const line = text.split('\n').find(l => l.startsWith('Error: '));
  return line ? line.slice('Error: '.length) : text;
}

/** The command a person runs to see what {@link kustomizeBuild} builds, for messages. */
export function kustomizeCommandLine(path: string): string {
  return `kustomize build ${path}`;
}

/**
 * Builds a folder the way Flux's kustomize-controller does, with the kustomize CLI at the version
 * it builds with (v5.8.1: `./run setup` builds it from tools/kustomize into .tools/kustomize and
 * puts it on PATH). The only place anything invokes kustomize (the validator, the bench, the
 * tests). Flux builds without remote bases on this platform (`--no-remote-bases`), so a build that
 * needs the network fails here as it would in the cluster.
 */
export function kustomizeBuild(
  path: string,
  kustomize: string = 'kustomize',
): Promise<KustomizeBuild> {
  return new Promise(resolve => {
    execFile(
      kustomize,
      ['build', path],
      { maxBuffer: 512 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const reason =
            (error as NodeJS.ErrnoException).code === 'ENOENT'
              ? `${kustomize} not found on PATH; run ./run setup (it builds kustomize v5.8.1 into .tools/kustomize) and put that folder on PATH, or install kustomize v5.8.1`
              : kustomizeError(stderr) || error.message;
          resolve({ ok: false, error: reason });
        } else {
          resolve({ ok: true, output: stdout });
        }
      },
    );
  });
}
