import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { writeFunctionFolder } from '@internal/backstage-plugin-atonix-serverless-node';
import {
  functionPathInput,
  readWorkspaceFunction,
} from '../service/functionFolder';
import { examples } from './functionImage.examples';

/** A full git commit SHA: the tag a function's CI pushes for the commit it built. */
const COMMIT_SHA = /^[0-9a-f]{40}$/;

/** `registry/path/name[:tag][@digest]` without its tag and digest (a registry port is kept). */
function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0];
  const lastSlash = withoutDigest.lastIndexOf('/');
  const tagColon = withoutDigest.indexOf(':', lastSlash + 1);
  return tagColon === -1 ? withoutDigest : withoutDigest.slice(0, tagColon);
}

/**
 * `atonix:function:image`: points a function rendered by `atonix:function:manifests` at the image
 * its CI builds from the function repository's first commit, `<repository>:<commit SHA>`, and
 * renders its manifests again. Templates run it after publishing the repository, when that commit
 * exists: the add-function pull request then names exactly the tag CI pushes for it, so the first
 * merge deploys a real image (never `:latest`, which CI does not push).
 */
export function createFunctionImageAction() {
  return createTemplateAction({
    id: 'atonix:function:image',
    description:
      "Sets a rendered function's image to <repository>:<commit SHA>, the tag its CI pushes for that commit, and renders its manifests again",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        functionPath: functionPathInput,
        commit: z =>
          z
            .string()
            .describe(
              "The function repository's commit whose image CI builds, e.g. the publish step's commitHash",
            ),
      },
      output: {
        image: z => z.string().describe('The image the manifests now run'),
      },
    },
    async handler(ctx) {
      const { functionPath, commit } = ctx.input;
      if (!COMMIT_SHA.test(commit)) {
        throw new InputError(
          `commit must be the full 40-character SHA of the function repository's commit (the publish step's commitHash), got "${commit}"; CI tags each image with that SHA`,
        );
      }
      const { gitopsDir, spec } = await readWorkspaceFunction(
        ctx.workspacePath,
        functionPath,
      );
      const image = `${imageRepository(spec.image)}:${commit}`;
      if (ctx.isDryRun) {
        ctx.output('image', image);
        return;
      }
      await writeFunctionFolder(gitopsDir, { ...spec, image });
      ctx.logger.info(`${functionPath} now runs ${image}`);
      ctx.output('image', image);
    },
  });
}
