import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import FunctionsIcon from '@material-ui/icons/FlashOn';
import { AtonixServerlessClient, atonixServerlessApiRef } from './api';
import { rootRouteRef } from './routes';

const atonixServerlessApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: atonixServerlessApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new AtonixServerlessClient(deps),
    }),
});

const functionsPage = PageBlueprint.make({
  params: {
    path: '/functions',
    title: 'Functions',
    icon: <FunctionsIcon />,
    routeRef: rootRouteRef,
    loader: () =>
      import('./components/FunctionsPage').then(m => <m.FunctionsPage />),
  },
});

/**
 * The Atonix Serverless frontend plugin: the Functions page, and the function health views of the
 * catalog.
 *
 * @public
 */
export const atonixServerlessPlugin = createFrontendPlugin({
  pluginId: 'atonix-serverless',
  info: { packageJson: () => import('../package.json') },
  extensions: [atonixServerlessApi, functionsPage],
  routes: { root: rootRouteRef },
});
