import { DependencyList } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  AtonixServerlessApi,
  FunctionRef,
  atonixServerlessApiRef,
  functionRefOf,
} from '../../api';

/**
 * One read of the backend about one function: asked again when the function (its cluster,
 * namespace and name) or one of `deps` changes, and by `retry`.
 */
export function useFunctionRead<T>(
  fn: FunctionRef,
  read: (api: AtonixServerlessApi, ref: FunctionRef) => Promise<T>,
  deps: DependencyList = [],
) {
  const api = useApi(atonixServerlessApiRef);
  return useAsyncRetry(
    () => read(api, functionRefOf(fn)),
    [api, fn.cluster, fn.namespace, fn.name, ...deps],
  );
}
