import { HttpAuthService } from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';

export async function createRouter(options: {
  httpAuth: HttpAuthService;
}): Promise<express.Router> {
  const { httpAuth } = options;
  const router = Router();
  router.use(express.json());

  // Every route needs Backstage credentials, a readiness probe included: it reveals which clusters
  // this portal watches.
  router.get('/health', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ status: 'ok' });
  });

  return router;
}
