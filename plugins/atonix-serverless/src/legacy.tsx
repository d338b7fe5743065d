/**
 * The plugin for apps on the legacy frontend system (`createApp` from `@backstage/app-defaults`):
 * add `<Route path="/functions" element={<AtonixServerlessFunctionsPage />} />`, the entity content
 * under an `EntityLayout.Route` guarded by `isFunctionEntity`, and the card on the overview.
 *
 * @packageDocumentation
 */
import {
  createApiFactory,
  createComponentExtension,
  createExternalRouteRef,
  createPlugin,
  createRoutableExtension,
  createRouteRef,
  discoveryApiRef,
  fetchApiRef,
  useRouteRef,
} from '@backstage/core-plugin-api';
import { Header, Page } from '@backstage/core-components';
import { AtonixServerlessClient, atonixServerlessApiRef } from './api';

/** @public */
export const functionsRouteRef = createRouteRef({ id: 'atonix-serverless' });

const entityContentRouteRef = createRouteRef({
  id: 'atonix-serverless-entity-content',
});

/** Bind to the scaffolder's root in `bindRoutes`, for the empty state's "Create a function". */
export const createFunctionExternalRouteRef = createExternalRouteRef({
  id: 'atonix-serverless-create-function',
  optional: true,
});

/** @public */
export const atonixServerlessLegacyPlugin = createPlugin({
  id: 'atonix-serverless',
  apis: [
    createApiFactory({
      api: atonixServerlessApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: deps => new AtonixServerlessClient(deps),
    }),
  ],
  routes: { root: functionsRouteRef },
  externalRoutes: { createFunction: createFunctionExternalRouteRef },
});

/** The Functions page, with its own header (legacy apps do not add one). */
export const AtonixServerlessFunctionsPage =
  atonixServerlessLegacyPlugin.provide(
    createRoutableExtension({
      name: 'AtonixServerlessFunctionsPage',
      mountPoint: functionsRouteRef,
      component: () =>
        import('./components/FunctionsPage').then(m => () => (
          <Page themeId="tool">
            <Header
              title="Functions"
              subtitle="Every function across teams and clusters"
            />
            <m.FunctionsPage
              createFunctionLink={useRouteRef(
                createFunctionExternalRouteRef,
              )?.()}
            />
          </Page>
        )),
    }),
  );

/** The "Serverless" entity tab. */
export const EntityAtonixServerlessContent =
  atonixServerlessLegacyPlugin.provide(
    createRoutableExtension({
      name: 'EntityAtonixServerlessContent',
      mountPoint: entityContentRouteRef,
      component: () =>
        import('./components/EntityServerlessContent').then(
          m => m.EntityServerlessContent,
        ),
    }),
  );

/** The overview card of a function entity. */
export const EntityAtonixServerlessCard = atonixServerlessLegacyPlugin.provide(
  createComponentExtension({
    name: 'EntityAtonixServerlessCard',
    component: {
      lazy: () =>
        import('./components/EntityServerlessCard').then(
          m => m.EntityServerlessCard,
        ),
    },
  }),
);

export { isFunctionEntity } from './isFunctionEntity';
export { atonixServerlessApiRef, AtonixServerlessClient } from './api';
export type { AtonixServerlessApi, FunctionRef } from './api';
