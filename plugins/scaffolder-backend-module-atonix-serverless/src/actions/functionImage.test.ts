import {
  CHARGE_CARD_PATH,
  writeChargeCard,
} from '../__testUtils__/functionFolder';
import {
  mockWorkspace,
  refusalOf,
  unchangedBy,
} from '../__testUtils__/workspace';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createFunctionImageAction } from './functionImage';

const COMMIT = '3f9c2b7e1d4a5c6b8e9f0a1b2c3d4e5f6a7b8c9d';

describe('atonix:function:image', () => {
  let workspace: ReturnType<typeof mockWorkspace>;

  beforeEach(async () => {
    workspace = mockWorkspace({
      content: { 'gitops-repo/gitops/functions/payments': {} },
    });
    await writeChargeCard(workspace.path);
  });

  async function run(input: Record<string, string>, isDryRun = false) {
    const ctx = {
      ...createMockActionContext({ input, workspacePath: workspace.path }),
      isDryRun,
    };
    await createFunctionImageAction().handler(ctx as any);
    return ctx;
  }

  const read = (file: string) =>
    readFile(join(workspace.path, CHARGE_CARD_PATH, file), 'utf8');

  it('runs the function on the image CI pushes for the given commit, in function.yaml and the Knative Service', async () => {
    const ctx = await run({ functionPath: CHARGE_CARD_PATH, commit: COMMIT });
    const image = `ghcr.io/atonixcorp/charge-card:${COMMIT}`;
    expect(ctx.output).toHaveBeenCalledWith('image', image);
    expect(parse(await read('function.yaml')).image).toBe(image);
    expect(
      parse(await read('service.yaml')).spec.template.spec.containers[0].image,
    ).toBe(image);
  });

  it('replaces a tag or digest the rendered spec already had', async () => {
    await run({ functionPath: CHARGE_CARD_PATH, commit: COMMIT });
    const other = 'a'.repeat(40);
    const ctx = await run({ functionPath: CHARGE_CARD_PATH, commit: other });
    expect(ctx.output).toHaveBeenCalledWith(
      'image',
      `ghcr.io/atonixcorp/charge-card:${other}`,
    );
  });

  it('refuses anything but a full commit SHA, and leaves the folder as it was', async () => {
    const error = await refusalOf(workspace, () =>
      run({ functionPath: CHARGE_CARD_PATH, commit: 'latest' }),
    );
    expect(error.message).toMatch(/full 40-character SHA.*got "latest"/);
  });

  it('says which step to run first when the function was not rendered', async () => {
    await expect(
      run({
        functionPath: 'gitops-repo/gitops/functions/payments/refund',
        commit: COMMIT,
      }),
    ).rejects.toThrow(
      /gitops-repo\/gitops\/functions\/payments\/refund\/function.yaml does not exist; run atonix:function:manifests first/,
    );
  });

  it('refuses a folder that is not where the spec says the function lives', async () => {
    const moved = join(workspace.path, 'gitops-repo/gitops/moved/payments/x');
    await mkdir(moved, { recursive: true });
    await writeFile(join(moved, 'function.yaml'), await read('function.yaml'));
    await expect(
      run({
        functionPath: 'gitops-repo/gitops/moved/payments/x',
        commit: COMMIT,
      }),
    ).rejects.toThrow(
      /holds the function payments\/charge-card, which belongs in functions\/payments\/charge-card/,
    );
  });

  it('changes nothing in a dry run', async () => {
    const ctx = await unchangedBy(workspace, () =>
      run({ functionPath: CHARGE_CARD_PATH, commit: COMMIT }, true),
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'image',
      `ghcr.io/atonixcorp/charge-card:${COMMIT}`,
    );
  });
});
