import { mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { outputsOf } from '../__testUtils__/examples';
import {
  CHARGE_CARD_PATH,
  writeChargeCard,
} from '../__testUtils__/functionFolder';
import { REPO_ROOT } from '../__testUtils__/scaffolderBackend';
import { functionPermissionsFor } from '../__testUtils__/functionPermissions';
import {
  mockWorkspace,
  refusalOf,
  unchangedBy,
} from '../__testUtils__/workspace';
import { createFunctionSecretAction } from './functionSecret';

const SECRET_FILE =
  'gitops-repo/gitops/functions/payments/secrets/charge-card-provider.sops.yaml';
const PLAINTEXT = 'sk_live_51HqLyjWDarjtT1zdp7dc0xDEADBEEF';

describe('atonix:function:secret', () => {
  let workspace: ReturnType<typeof mockWorkspace>;
  let logger: ReturnType<typeof mockServices.logger.mock>;

  beforeEach(async () => {
    workspace = mockWorkspace();
    await writeChargeCard(workspace.path);
    await copyFile(
      join(REPO_ROOT, 'gitops/.sops.yaml'),
      join(workspace.path, 'gitops-repo/gitops/.sops.yaml'),
    );
    logger = mockServices.logger.mock();
  });

  async function run(
    input: Record<string, unknown>,
    /** `groups`: the user's teams, for the permission policy (default: payments, the owner). */
    options: { groups?: string[]; isDryRun?: boolean } = {},
  ) {
    const ctx = {
      ...createMockActionContext({
        input: input as any,
        workspacePath: workspace.path,
        logger,
      }),
      isDryRun: options.isDryRun ?? false,
    };
    const action = createFunctionSecretAction({
      functionPermissions: functionPermissionsFor(
        options.groups ?? ['payments'],
      ),
    });
    await action.handler(ctx as any);
    return ctx;
  }

  /** Everything the action said: log lines, outputs. */
  function said(ctx?: { output: unknown }) {
    return JSON.stringify([
      ...Object.values(logger).flatMap(fn =>
        jest.isMockFunction(fn) ? fn.mock.calls : [],
      ),
      ctx ? outputsOf(ctx) : {},
    ]);
  }

  const read = (file: string) => readFile(join(workspace.path, file), 'utf8');

  it("encrypts the Secret to the team's recipients in .sops.yaml and reads it into the function's env", async () => {
    const ctx = await run({
      functionPath: CHARGE_CARD_PATH,
      name: 'charge-card-provider',
      values: [{ key: 'api-key', value: PLAINTEXT }],
      env: [{ name: 'PROVIDER_API_KEY', key: 'api-key' }],
      changesPath: 'gitops-changes',
    });
    const file = parse(await read(SECRET_FILE));
    expect(file.metadata).toEqual({
      name: 'charge-card-provider',
      namespace: 'payments',
      labels: { 'atonix.io/team': 'payments' },
    });
    const sopsConfig = parse(await read('gitops-repo/gitops/.sops.yaml'));
    expect(
      file.sops.age.map((a: { recipient: string }) => a.recipient),
    ).toEqual(
      sopsConfig.creation_rules[0].age.split(',').map((r: string) => r.trim()),
    );
    expect(
      parse(await read(`${CHARGE_CARD_PATH}/function.yaml`)).secretEnv,
    ).toEqual({
      PROVIDER_API_KEY: { secretName: 'charge-card-provider', key: 'api-key' },
    });
    expect(
      parse(await read(`${CHARGE_CARD_PATH}/service.yaml`)).spec.template.spec
        .containers[0].env,
    ).toContainEqual({
      name: 'PROVIDER_API_KEY',
      valueFrom: {
        secretKeyRef: { name: 'charge-card-provider', key: 'api-key' },
      },
    });
    expect(outputsOf(ctx).secretPath).toBe(
      'gitops/functions/payments/secrets/charge-card-provider.sops.yaml',
    );
    expect(outputsOf(ctx).files).toEqual(
      expect.arrayContaining([
        'gitops/functions/payments/secrets/charge-card-provider.sops.yaml',
        'gitops/functions/payments/secrets/kustomization.yaml',
        'gitops/functions/payments/kustomization.yaml',
        'gitops/functions/payments/charge-card/function.yaml',
      ]),
    );
    expect(
      await read(
        'gitops-changes/gitops/functions/payments/secrets/charge-card-provider.sops.yaml',
      ),
    ).toBe(await read(SECRET_FILE));
  });

  it('writes the plaintext nowhere: not in a file, a log line, an output or an error', async () => {
    const ctx = await run({
      functionPath: CHARGE_CARD_PATH,
      name: 'charge-card-provider',
      values: [{ key: 'api-key', value: PLAINTEXT }],
    });
    expect(JSON.stringify(workspace.content())).not.toContain(PLAINTEXT);
    expect(said(ctx)).toContain('charge-card-provider');
    expect(said(ctx)).not.toContain(PLAINTEXT);

    // Refused by the encryption (bad keys) and by the action (an env var on a missing key).
    const failures = [
      { values: [{ key: 'api key', value: PLAINTEXT }] },
      {
        values: [
          { key: 'api-key', value: PLAINTEXT },
          { key: '42', value: PLAINTEXT },
        ],
      },
      {
        values: [{ key: 'api-key', value: PLAINTEXT }],
        env: [{ name: 'PROVIDER_API_KEY', key: 'missing' }],
      },
    ];
    for (const failure of failures) {
      const error = await run({
        functionPath: CHARGE_CARD_PATH,
        name: 'charge-card-provider',
        ...failure,
      }).catch(e => e);
      expect(error).toBeInstanceOf(Error);
      expect(`${error.message} ${error.stack}`).not.toContain(PLAINTEXT);
    }
    expect(said()).not.toContain(PLAINTEXT);
  });

  it('refuses a user the permission policy does not allow atonix.function.secret.write on the function (a member of another team), and writes nothing', async () => {
    const error = await refusalOf(workspace, () =>
      run(
        {
          functionPath: CHARGE_CARD_PATH,
          name: 'charge-card-provider',
          values: [{ key: 'api-key', value: PLAINTEXT }],
        },
        { groups: ['analytics'] },
      ),
    );
    expect(error).toBeInstanceOf(NotAllowedError);
    expect(error.message).toBe(
      'You may not use atonix.function.secret.write on function payments/charge-card: it is for members of its owner group:default/payments. Ask them, or the platform team.',
    );
  });

  it('lets a platform-team member write the secret of a function of another team, as the policy and the backend route do', async () => {
    const ctx = await run(
      {
        functionPath: CHARGE_CARD_PATH,
        name: 'charge-card-provider',
        values: [{ key: 'api-key', value: PLAINTEXT }],
      },
      { groups: ['platform'] },
    );
    expect(outputsOf(ctx).secretPath).toBe(
      'gitops/functions/payments/secrets/charge-card-provider.sops.yaml',
    );
    expect(await read(SECRET_FILE)).toContain('ENC[');
  });

  it('says who must add the recipients when .sops.yaml has none for the team, and writes nothing', async () => {
    workspace.addContent({
      'gitops-repo/gitops/.sops.yaml': 'creation_rules: []\n',
    });
    const error = await refusalOf(workspace, () =>
      run({
        functionPath: CHARGE_CARD_PATH,
        name: 'charge-card-provider',
        values: [{ key: 'api-key', value: PLAINTEXT }],
      }),
    );
    expect(error.message).toContain(
      'gitops/.sops.yaml has no creation rule with age recipients for functions/payments/secrets/charge-card-provider.sops.yaml; the platform team adds the team\'s public keys there (gitops/README.md, "Secrets")',
    );
  });

  it('checks names in a dry run and writes nothing', async () => {
    const ctx = await unchangedBy(workspace, () =>
      run(
        {
          functionPath: CHARGE_CARD_PATH,
          name: 'charge-card-provider',
          values: [],
        },
        { isDryRun: true },
      ),
    );
    expect(outputsOf(ctx).secretPath).toBe(
      'gitops/functions/payments/secrets/charge-card-provider.sops.yaml',
    );
    await expect(
      run(
        { functionPath: CHARGE_CARD_PATH, name: 'Bad_Name', values: [] },
        { isDryRun: true },
      ),
    ).rejects.toThrow(/name "Bad_Name" is not a Secret name/);
  });
});
