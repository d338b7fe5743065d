import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import authPlugin from '@backstage/plugin-auth-backend';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import { DEVELOPMENT_SIGN_IN_HEADER } from '@internal/backstage-plugin-atonix-serverless-common';
import { isDevelopmentSignInEnabled } from './developmentProvider';
import { authModuleAtonixDevelopmentProvider } from './module';

jest.setTimeout(60_000);

const REPO_ROOT = resolve(__dirname, '../../..');
const appConfig = (file: string) =>
  parse(readFileSync(join(REPO_ROOT, file), 'utf8'));

describe('development sign-in', () => {
  it('is on with app-config.yaml in development, and off once app-config.production.yaml is merged in', () => {
    const local = ConfigReader.fromConfigs([
      { context: 'app-config.yaml', data: appConfig('app-config.yaml') },
    ]);
    const production = ConfigReader.fromConfigs([
      { context: 'app-config.yaml', data: appConfig('app-config.yaml') },
      {
        context: 'app-config.production.yaml',
        data: appConfig('app-config.production.yaml'),
      },
    ]);
    expect(isDevelopmentSignInEnabled(local, 'development')).toBe(true);
    expect(isDevelopmentSignInEnabled(local, 'production')).toBe(false);
    // Even a production config started with NODE_ENV=development keeps it off.
    expect(isDevelopmentSignInEnabled(production, 'development')).toBe(false);
    expect(
      production.getOptionalBoolean('auth.providers.development.enabled'),
    ).toBe(false);
  });

  describe('in a backend', () => {
    const nodeEnv = process.env.NODE_ENV;
    afterEach(() => {
      process.env.NODE_ENV = nodeEnv;
    });

    async function start(enabled: boolean) {
      process.env.NODE_ENV = 'development';
      return startTestBackend({
        features: [
          authPlugin,
          catalogPlugin,
          authModuleAtonixDevelopmentProvider,
          mockServices.rootConfig.factory({
            data: {
              app: { baseUrl: 'http://localhost:3000' },
              auth: { providers: { development: { enabled } } },
              catalog: {
                rules: [{ allow: ['Group', 'User'] }],
                locations: [
                  { type: 'file', target: join(REPO_ROOT, 'catalog/org.yaml') },
                ],
              },
            },
          }),
        ],
      });
    }

    it('signs in as the catalog User the picker names, with the Groups it is a member of', async () => {
      const backend = await start(true);
      const { server } = backend;
      try {
        let res: request.Response;
        const deadline = Date.now() + 30_000;
        // The catalog reads org.yaml in the background after the start.
        do {
          res = await request(server)
            .get('/api/auth/development/refresh')
            .set('X-Requested-With', 'XMLHttpRequest')
            .set(DEVELOPMENT_SIGN_IN_HEADER, 'user:default/sam');
          if (res.status === 200) break;
          await new Promise(r => setTimeout(r, 200));
        } while (Date.now() < deadline);
        expect(res.status).toBe(200);
        expect(res.body.backstageIdentity.identity).toEqual({
          type: 'user',
          userEntityRef: 'user:default/sam',
          ownershipEntityRefs: ['user:default/sam', 'group:default/analytics'],
        });

        const stranger = await request(server)
          .get('/api/auth/development/refresh')
          .set('X-Requested-With', 'XMLHttpRequest')
          .set(DEVELOPMENT_SIGN_IN_HEADER, 'user:default/nobody');
        expect(stranger.status).toBe(404);

        const group = await request(server)
          .get('/api/auth/development/refresh')
          .set('X-Requested-With', 'XMLHttpRequest')
          .set(DEVELOPMENT_SIGN_IN_HEADER, 'group:default/platform');
        expect(group.status).toBe(400);
        expect(group.body.error.message).toContain(
          'Development sign-in is for Users',
        );
      } finally {
        await backend.stop();
      }
    });

    it('registers nothing when it is not enabled', async () => {
      const backend = await start(false);
      const { server } = backend;
      try {
        const res = await request(server)
          .get('/api/auth/development/refresh')
          .set('X-Requested-With', 'XMLHttpRequest')
          .set(DEVELOPMENT_SIGN_IN_HEADER, 'user:default/sam');
        expect(res.status).toBe(404);
      } finally {
        await backend.stop();
      }
    });
  });
});
