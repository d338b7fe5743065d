import {
  copyFile,
  mkdtemp,
  readdir,
  readFile,
  rm,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { REPO_ROOT } from '../__testUtils__/kustomize';
import { promtool } from '../validate/promtool';

/**
 * The platform's PrometheusRules, checked and unit-tested by the real `promtool`. promtool reads
 * plain rule groups, so each PrometheusRule's spec.groups is written to `<name>.rules.yaml` next to
 * a copy of its `<name>.test.yaml`, which names that file in rule_files.
 */

const MONITORING = join(
  REPO_ROOT,
  'gitops/infrastructure/configs/base/monitoring',
);

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface PrometheusRule {
  kind: string;
  metadata: { name: string };
  spec: { groups: { name: string; rules: Rule[] }[] };
}

async function ruleFiles() {
  const files = (await readdir(MONITORING)).filter(f => f.endsWith('.yaml'));
  const rules: { file: string; resource: PrometheusRule }[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(
      await readFile(join(MONITORING, file), 'utf8'),
    )) {
      const resource = doc.toJS() as PrometheusRule | null;
      if (resource?.kind === 'PrometheusRule') rules.push({ file, resource });
    }
  }
  return { files, rules };
}

describe('function alerts', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'atonix-promtool-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('has a promtool unit test next to every PrometheusRule file', async () => {
    const { files, rules } = await ruleFiles();
    expect(rules.length).toBeGreaterThan(0);
    for (const { file } of rules) {
      expect(files).toContain(file.replace(/\.yaml$/, '.test.yaml'));
    }
  });

  it('passes promtool check rules and promtool test rules', async () => {
    const { rules } = await ruleFiles();
    for (const { file, resource } of rules) {
      const name = basename(file, '.yaml');
      const testFile = `${name}.test.yaml`;
      const test = parse(await readFile(join(MONITORING, testFile), 'utf8'));
      expect(test.rule_files).toEqual([`${name}.rules.yaml`]);

      await writeFile(
        join(dir, `${name}.rules.yaml`),
        stringify({ groups: resource.spec.groups }),
      );
      await copyFile(join(MONITORING, testFile), join(dir, testFile));
      await promtool(['check', 'rules', join(dir, `${name}.rules.yaml`)]);
      const { stdout } = await promtool(['test', 'rules', join(dir, testFile)]);
      expect(stdout).toContain('SUCCESS');
    }
  });

  it('tells whoever is paged how bad it is and what to look at', async () => {
    const { rules } = await ruleFiles();
    const alerts = rules.flatMap(({ resource }) =>
      resource.spec.groups.flatMap(group =>
        group.rules.filter(rule => rule.alert),
      ),
    );
    expect(alerts.map(alert => alert.alert)).toEqual(
      expect.arrayContaining([
        'FunctionHighErrorRate',
        'FunctionHighLatencyP95',
        'FunctionFrequentColdStarts',
      ]),
    );
    for (const alert of alerts) {
      expect({ alert: alert.alert, severity: alert.labels?.severity }).toEqual({
        alert: alert.alert,
        severity: expect.stringMatching(/^(info|warning|critical)$/),
      });
      expect(alert.annotations).toEqual({
        summary: expect.any(String),
        description: expect.any(String),
      });
    }
  });
});
