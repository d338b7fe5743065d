import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';
import { signInModule } from './modules/signIn';

// Every other plugin (scaffolder, Kubernetes, Atonix Serverless, ...) is discovered from this
// package's dependencies, because app-config.yaml sets `app.packages: all`.
export default createApp({
  features: [catalogPlugin, navModule, signInModule],
});
