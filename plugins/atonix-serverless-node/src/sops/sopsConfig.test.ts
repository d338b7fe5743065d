import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PAYMENTS_TEST_RECIPIENTS } from '../__testUtils__/sopsTools';
import {
  addCreationRule,
  ageRecipientProblem,
  creationRuleFor,
  parseSopsConfig,
} from './sopsConfig';

const REPO_SOPS_CONFIG = readFileSync(
  resolve(__dirname, '../../../../gitops/.sops.yaml'),
  'utf8',
);
const { staging: STAGING, production: PRODUCTION } = PAYMENTS_TEST_RECIPIENTS;
const searchRule = {
  pathRegex: '(^|/)functions/search/secrets/[^/]+\\.sops\\.yaml$',
  age: [STAGING, PRODUCTION],
  samplePath: 'functions/search/secrets/any.sops.yaml',
};

describe('addCreationRule', () => {
  it('adds a rule in the shape of the hand-written ones, keeping the comments and the other rules', () => {
    const text = addCreationRule(REPO_SOPS_CONFIG, searchRule);
    expect(text.startsWith(REPO_SOPS_CONFIG)).toBe(true);
    expect(text.slice(REPO_SOPS_CONFIG.length)).toBe(
      [
        '  - path_regex: (^|/)functions/search/secrets/[^/]+\\.sops\\.yaml$',
        '    encrypted_regex: ^(data|stringData)$',
        '    age: >-',
        `      ${STAGING},`,
        `      ${PRODUCTION}`,
        '',
      ].join('\n'),
    );
    const config = parseSopsConfig(text);
    expect(
      creationRuleFor(config, 'functions/search/secrets/ghcr-pull.sops.yaml')
        ?.age,
    ).toEqual([STAGING, PRODUCTION]);
  });

  it('puts the rule before a catch-all rule, which would otherwise win', () => {
    const text = addCreationRule(
      'creation_rules:\n  - age: age1catchall\n',
      searchRule,
    );
    expect(parseSopsConfig(text).creationRules.map(r => r.age)).toEqual([
      [STAGING, PRODUCTION],
      ['age1catchall'],
    ]);
  });

  it('starts a configuration when the repository has none', () => {
    expect(
      parseSopsConfig(addCreationRule(undefined, searchRule)).creationRules,
    ).toEqual([
      {
        pathRegex: searchRule.pathRegex,
        encryptedRegex: '^(data|stringData)$',
        age: [STAGING, PRODUCTION],
      },
    ]);
  });

  it('refuses a second rule for the same path', () => {
    const once = addCreationRule(REPO_SOPS_CONFIG, searchRule);
    expect(() => addCreationRule(once, searchRule)).toThrow(
      '.sops.yaml has a creation rule for (^|/)functions/search/secrets/[^/]+\\.sops\\.yaml$ already; edit its recipients there instead of adding a second one',
    );
  });
});

describe('ageRecipientProblem', () => {
  it('accepts an age X25519 public key', async () => {
    await expect(ageRecipientProblem(STAGING)).resolves.toBeUndefined();
  });

  it.each([
    ['a private key', 'AGE-SECRET-KEY-1QQQ', /is a private key/],
    ['an SSH key', 'ssh-ed25519 AAAAC3Nza', /is not an age X25519 public key/],
    [
      'a key with a wrong checksum',
      `${STAGING.slice(0, -1)}4`,
      /checksum does not match/,
    ],
  ])('explains what is wrong with %s', async (_what, recipient, message) => {
    await expect(ageRecipientProblem(recipient)).resolves.toMatch(message);
  });
});
