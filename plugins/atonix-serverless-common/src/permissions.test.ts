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

  it('lists every permission exactly once', () => {
    const names = atonixServerlessPermissions.map(p => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain(functionReadPermission.name);
  });
});
