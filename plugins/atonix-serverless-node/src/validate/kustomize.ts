import { execFile } from 'node:child_process';

export type KustomizeBuild =
  | { ok: true; output: string }
  | { ok: false; error: string };

/** The reason in kubectl's log line (`E1125 ... "command failed" err="<reason>"`), or the text. */
function kustomizeError(stderr: string): string {
  const text = stderr.trim();
  const quoted = /err="((?:[^"\\]|\\.)*)"/.exec(text);
  return quoted ? quoted[1].replace(/\\"/g, '"') : text;
}

/** The command a person runs to see what {@link kustomizeBuild} builds, for messages. */
export function kustomizeCommandLine(path: string): string {
  return `kubectl kustomize ${path}`;
}

/**
 * Builds a folder the way Flux's kustomize-controller does, with the kustomize embedded in
 * kubectl. The only place anything invokes kustomize (the validator, the bench, the tests). Flux builds without remote bases on this platform (`--no-remote-bases`), so a build
 * that needs the network fails here as it would in the cluster.
 */
export function kustomizeBuild(
  path: string,
  kubectl: string = 'kubectl',
): Promise<KustomizeBuild> {
  return new Promise(resolve => {
    execFile(
      kubectl,
      ['kustomize', path],
      { maxBuffer: 512 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const reason =
            (error as NodeJS.ErrnoException).code === 'ENOENT'
              ? `${kubectl} not found on PATH; install kubectl (it embeds kustomize)`
              : kustomizeError(stderr) || error.message;
          resolve({ ok: false, error: reason });
        } else {
          resolve({ ok: true, output: stdout });
        }
      },
    );
  });
}
