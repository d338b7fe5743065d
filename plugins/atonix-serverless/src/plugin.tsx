import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
  useRouteRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';
import FunctionsIcon from '@material-ui/icons/FlashOn';
import { AtonixServerlessClient, atonixServerlessApiRef } from './api';
import { isFunctionEntity } from './isFunctionEntity';
import { createFunctionRouteRef, rootRouteRef } from './routes';

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
      import('./components/FunctionsPage').then(m => {
        const Page = () => (
          <m.FunctionsPage
            createFunctionLink={useRouteRef(createFunctionRouteRef)?.()}
          />
        );
        return <Page />;
      }),
  },
});

const serverlessEntityContent = EntityContentBlueprint.make({
  name: 'serverless',
  params: {
    path: '/serverless',
    title: 'Serverless',
    filter: isFunctionEntity,
    loader: () =>
      import('./components/EntityServerlessContent').then(m => (
        <m.EntityServerlessContent />
      )),
  },
});

const serverlessEntityCard = EntityCardBlueprint.make({
  name: 'serverless',
  params: {
    filter: isFunctionEntity,
    // Beside "About", where a reader looks first: is it up, where is it, how busy is it.
    type: 'info',
    loader: () =>
      import('./components/EntityServerlessCard').then(m => (
        <m.EntityServerlessCard />
      )),
  },
});

// `ui:field: AtonixRuntime` in a template: shows whether every cluster runs the template's runtime
// and stops the form on its first page when one does not (templates/openfaas-function.yaml).
const runtimeFormField = FormFieldBlueprint.make({
  name: 'runtime',
  params: {
    field: () =>
      import('./components/RuntimeField').then(m => m.runtimeFormField),
  },
});

/**
 * The Atonix Serverless frontend plugin: the Functions page, the function health views of the
 * catalog (the "Serverless" entity tab and an overview card), for function entities only, and the
 * templates' `AtonixRuntime` form field.
 *
 * @public
 */
export const atonixServerlessPlugin = createFrontendPlugin({
  pluginId: 'atonix-serverless',
  info: { packageJson: () => import('../package.json') },
  extensions: [
    atonixServerlessApi,
    functionsPage,
    serverlessEntityContent,
    serverlessEntityCard,
    runtimeFormField,
  ],
  routes: { root: rootRouteRef },
  externalRoutes: { createFunction: createFunctionRouteRef },
});
