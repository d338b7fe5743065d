import {
  Arg,
  Argument,
  DockerfileParser,
  Env,
  From,
  Instruction,
  JSONInstruction,
  ModifiableInstruction,
} from 'dockerfile-ast';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** What a rule needs to know besides the Dockerfile: the port and the files of the build context. */
export interface DockerfileContext {
  /** The port the function listens on (the template's `port` value). */
  port: number;
  /** The files of the build context (the repository), relative paths. */
  files: string[];
  /** The repository folder, for sources named without wildcards. */
  dir: string;
}

// Names of ENV/ARG that hold a credential: baked into the image and its history for anyone who
// can pull it. Secrets reach functions at run time, from Kubernetes Secrets (secretEnv).
const SECRET_NAME =
  /(secret|token|passw(or)?d|api[-_]?key|private[-_]?key|credential)/i;

const line = (instruction: Instruction) =>
  instruction.getRange().start.line + 1;

/** `[--flag ...] arg ...` of a COPY/ADD: the arguments, without the flags. */
const plainArguments = (instruction: Instruction): Argument[] =>
  instruction instanceof JSONInstruction &&
  instruction.getJSONStrings().length > 0
    ? instruction.getJSONStrings()
    : instruction.getArguments();

const globToRegExp = (glob: string) =>
  new RegExp(
    `^${glob
      .replace(/^\.\//, '')
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')}(/.*)?$`,
  );

/**
 * Checks a rendered Dockerfile statically, with the `dockerfile-ast` parser (no container engine
 * is needed): what `docker build` needs to succeed and what the platform asks of an image.
 * Returns `Dockerfile:<line>: <rule>: <message>` problems, none when the file is fine.
 *
 * - `multi-stage`: a build stage and a runtime stage, so no toolchain ships in the image;
 * - `pinned-base`: every base image outside the file's own stages has a version tag (not
 *   `latest`) or a digest;
 * - `copy-source`: every COPY from the build context names files that exist, every `--from`
 *   a stage of the file or a pinned image;
 * - `non-root`: the final stage sets exactly one USER, and not root;
 * - `port`: the final stage EXPOSEs the function's port (the one its Knative Service or OpenFaaS
 *   Function names);
 * - `exec-form`: CMD and ENTRYPOINT in JSON form, so SIGTERM reaches the function (the graceful
 *   shutdown on scale to zero) rather than a shell;
 * - `no-secret`: no ENV or ARG named like a credential.
 */
export function checkDockerfile(
  text: string,
  context: DockerfileContext,
): string[] {
  const dockerfile = DockerfileParser.parse(text);
  const problems: string[] = [];
  const report = (at: Instruction | number, rule: string, message: string) =>
    problems.push(
      `Dockerfile:${
        typeof at === 'number' ? at : line(at)
      }: ${rule}: ${message}`,
    );
  const froms: From[] = dockerfile.getFROMs();
  const stages = froms.flatMap(from => from.getBuildStage() ?? []);
  const pinned = (from: From | string) => {
    const [image, tag, digest] =
      typeof from === 'string'
        ? [
            from.split('@')[0].split(':')[0],
            from.split('@')[0].split(':')[1] ?? null,
            from.split('@')[1] ?? null,
          ]
        : [from.getImageName(), from.getImageTag(), from.getImageDigest()];
    return (
      stages.includes(image ?? '') ||
      digest !== null ||
      (tag !== null && tag !== 'latest')
    );
  };

  if (froms.length < 2) {
    report(
      froms[0] ?? 1,
      'multi-stage',
      'use a build stage and a runtime stage, so that compilers and package managers stay out of the image',
    );
  }
  for (const from of froms) {
    if (!pinned(from)) {
      report(
        from,
        'pinned-base',
        `base image ${from.getImage()} has no version tag or digest: pin it (e.g. ${from.getImageName()}:<version>)`,
      );
    }
  }

  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    if (keyword === 'COPY' && instruction instanceof ModifiableInstruction) {
      const fromFlag = instruction
        .getFlags()
        .find(flag => flag.getName() === 'from');
      const args = plainArguments(instruction).map(arg => arg.getValue());
      if (fromFlag) {
        const source = fromFlag.getValue() ?? '';
        if (!pinned(source)) {
          report(
            instruction,
            'copy-source',
            `COPY --from=${source} is neither a stage of this file nor a pinned image`,
          );
        }
        continue;
      }
      for (const source of args.slice(0, -1)) {
        const found = /[*?]/.test(source)
          ? context.files.some(file => globToRegExp(source).test(file))
          : existsSync(join(context.dir, source));
        if (!found) {
          report(
            instruction,
            'copy-source',
            `COPY source ${source} matches no file of the repository: docker build would fail`,
          );
        }
      }
    }
    if (
      (keyword === 'CMD' || keyword === 'ENTRYPOINT') &&
      !(instruction as JSONInstruction).getOpeningBracket?.()
    ) {
      report(
        instruction,
        'exec-form',
        `${keyword} in shell form runs the function under /bin/sh, which does not pass SIGTERM on: write it as a JSON array`,
      );
    }
    if (instruction instanceof Env || instruction instanceof Arg) {
      const properties =
        instruction instanceof Env
          ? instruction.getProperties()
          : [instruction.getProperty()].flatMap(p => p ?? []);
      for (const name of properties.map(p => p.getName())) {
        if (SECRET_NAME.test(name)) {
          report(
            instruction,
            'no-secret',
            `${keyword} ${name} looks like a credential; it would be readable in the image: read it at run time from a Kubernetes Secret (secretEnv in the function's spec)`,
          );
        }
      }
    }
  }

  const final = froms[froms.length - 1];
  if (final) {
    const finalStage = dockerfile
      .getInstructions()
      .filter(instruction => line(instruction) >= line(final));
    const users = finalStage.filter(i => i.getKeyword() === 'USER');
    if (users.length !== 1) {
      report(
        final,
        'non-root',
        `the final stage sets USER ${users.length} times: set it once, to a non-root user (e.g. USER 65532:65532)`,
      );
    }
    for (const user of users) {
      if (/^(root|0)(:|$)/.test(user.getArgumentsContent() ?? '')) {
        report(user, 'non-root', 'the function must not run as root');
      }
    }
    const exposed = finalStage
      .filter(i => i.getKeyword() === 'EXPOSE')
      .flatMap(i => i.getArguments().map(arg => arg.getValue()));
    if (!exposed.includes(String(context.port))) {
      report(
        final,
        'port',
        `the final stage does not EXPOSE ${
          context.port
        }, the function's port (it exposes ${exposed.join(', ') || 'nothing'})`,
      );
    }
  }
  return problems;
}
