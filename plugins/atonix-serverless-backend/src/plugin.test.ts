import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import request from 'supertest';
import { atonixServerlessPlugin } from './plugin';

describe('atonixServerlessPlugin', () => {
  it('serves its API under /api/atonix-serverless to signed-in users', async () => {
    const { server } = await startTestBackend({
      features: [atonixServerlessPlugin],
    });

    const res = await request(server)
      .get('/api/atonix-serverless/health')
      .set('Authorization', mockCredentials.user.header());

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('refuses requests without Backstage credentials', async () => {
    const { server } = await startTestBackend({
      features: [atonixServerlessPlugin],
    });

    const res = await request(server)
      .get('/api/atonix-serverless/health')
      .set('Authorization', mockCredentials.none.header());

    expect(res.status).toBe(401);
    expect(res.body.error.name).toBe('AuthenticationError');
  });
});
