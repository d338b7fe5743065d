import { functionFileLocator, parseFunctionFile } from './functionFile';

describe('parseFunctionFile', () => {
  it('reads a function.yaml into a spec with defaults', () => {
    const result = parseFunctionFile(
      'apiVersion: atonix.io/v1alpha1\nkind: Function\nname: charge-card\nteam: payments\nimage: ghcr.io/atonixcorp/charge-card:1.0.0\n',
    );
    expect(result.success && result.spec.scaling.maxScale).toBe(50);
  });

  it('asks for the header a function file starts with', () => {
    expect(parseFunctionFile('name: charge-card\nteam: payments\n')).toEqual({
      success: false,
      issues: [
        {
          path: 'apiVersion',
          message:
            'a function file starts with apiVersion: atonix.io/v1alpha1 and kind: Function',
        },
      ],
    });
  });

  it('reports YAML that does not parse with its line', () => {
    const result = parseFunctionFile(
      'apiVersion: atonix.io/v1alpha1\nkind: Function\nenv: [\n',
    );
    expect(result.success).toBe(false);
    expect(!result.success && result.issues[0].path).toMatch(
      /^\(yaml line \d+\)$/,
    );
  });

  it('locates fields and syntax errors by line', () => {
    const text =
      'apiVersion: atonix.io/v1alpha1\nkind: Function\nscaling:\n  maxScale: 80\nenv:\n  - name: A\n    value: b\n';
    const at = functionFileLocator(text);
    expect(at('scaling.maxScale')).toBe(4);
    expect(at('env.0.value')).toBe(7);
    expect(at('scaling.query')).toBe(4);
    expect(at('(yaml line 12)')).toBe(12);
  });
});
