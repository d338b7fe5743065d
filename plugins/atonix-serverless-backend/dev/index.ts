import { createBackend } from '@backstage/backend-defaults';
import { mockServices } from '@backstage/backend-test-utils';

// Runs the plugin on its own (`yarn start` in this folder) with mocked auth, so its API can be
// called with curl: curl localhost:7007/api/atonix-serverless/health
const backend = createBackend();
backend.add(mockServices.auth.factory());
backend.add(mockServices.httpAuth.factory());
backend.add(import('../src'));
backend.start();
