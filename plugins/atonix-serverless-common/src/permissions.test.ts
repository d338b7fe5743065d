import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  FUNCTION_RESOURCE_TYPE,
  atonixServerlessPermissions,
  functionReadPermission,
} from './permissions';

describe('permissions', () => {
  it('defines function read as a resource permission a policy can condition on', () => {
    expect(functionReadPermission.name).toBe('atonix.function.read');
    expect(
      isResourcePermission(functionReadPermission, FUNCTION_RESOURCE_TYPE),
    ).toBe(true);
    expect(functionReadPermission.attributes.action).toBe('read');
  });

  it('makes every function permission a resource permission, so owners can be checked', () => {
    for (const permission of atonixServerlessPermissions) {
      expect(isResourcePermission(permission, FUNCTION_RESOURCE_TYPE)).toBe(
        true,
      );
    }
  });

  it('lists every permission exactly once, named atonix.function.*', () => {
    const names = atonixServerlessPermissions.map(p => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([
      'atonix.function.read',
      'atonix.function.logs.read',
      'atonix.function.metrics.read',
      'atonix.function.environment.read',
      'atonix.function.invoke',
      'atonix.function.secret.write',
      'atonix.function.traffic.update',
      'atonix.function.sync',
    ]);
  });
});
