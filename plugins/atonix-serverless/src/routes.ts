import {
  createExternalRouteRef,
  createRouteRef,
} from '@backstage/frontend-plugin-api';

export const rootRouteRef = createRouteRef();

/** Where "Create a function" leads: the scaffolder's template list unless the app binds it elsewhere. */
export const createFunctionRouteRef = createExternalRouteRef({
  defaultTarget: 'scaffolder.root',
});
