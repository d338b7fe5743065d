import { functionFolder } from './paths';

describe('functionFolder', () => {
  it('places a function under its team in the functions tree', () => {
    expect(functionFolder('payments', 'charge-card')).toBe(
      'gitops/functions/payments/charge-card',
    );
  });

  it.each([
    ['team', '../etc', 'charge'],
    ['name', 'payments', 'a/b'],
    ['name', 'payments', 'Charge'],
    ['name', 'payments', '-charge'],
    ['name', 'payments', 'x'.repeat(64)],
  ])('rejects a %s that is not a DNS-1123 label', (field, team, name) => {
    expect(() => functionFolder(team, name)).toThrow(
      new RegExp(`^${field} ".*" is not a valid Kubernetes name`),
    );
  });
});
