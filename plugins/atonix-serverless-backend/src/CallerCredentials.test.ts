import {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthenticationError } from '@backstage/errors';
import { Request } from 'express';
import { CallerCredentials } from './CallerCredentials';

const HOUR = 3_600_000;

/** Credentials as Backstage's auth service makes them for a user token expiring at `expiresAt`. */
function userCredentials(ref: string, expiresAt: number): BackstageCredentials {
  return { ...mockCredentials.user(ref), expiresAt: new Date(expiresAt) };
}

/** An HttpAuthService answering each Authorization header from `answers`, counting its calls. */
function fakeHttpAuth(answers: Record<string, BackstageCredentials | Error>) {
  const calls: string[] = [];
  const httpAuth = {
    credentials: async (req: Request, options?: { allow?: string[] }) => {
      const header = req.headers.authorization ?? '';
      calls.push(header);
      const answer = answers[header];
      if (!answer) throw new AuthenticationError('Missing credentials');
      if (answer instanceof Error) throw answer;
      const { type } = answer.principal as { type: string };
      if (options?.allow && !options.allow.includes(type)) {
        throw new Error(`not allowed: ${type}`);
      }
      return answer;
    },
  } as unknown as HttpAuthService;
  return { httpAuth, calls };
}

const request = (authorization?: string) =>
  ({ headers: authorization ? { authorization } : {} } as Request);

describe('CallerCredentials', () => {
  let now: number;
  beforeEach(() => {
    now = Date.parse('2026-11-30T06:00:00Z');
  });

  it('verifies a user token once and answers it from memory until it expires', async () => {
    const alice = userCredentials('user:default/alice', now + HOUR);
    const answers: Record<string, BackstageCredentials | Error> = {
      'Bearer alice': alice,
    };
    const { httpAuth, calls } = fakeHttpAuth(answers);
    const callers = CallerCredentials.create({ httpAuth, now: () => now });

    for (let i = 0; i < 3; i++) {
      expect(
        await callers.credentials(request('Bearer alice'), ['user', 'service']),
      ).toBe(alice);
    }
    expect(calls).toEqual(['Bearer alice']);

    // At its expiry the token goes back to Backstage, which refuses it.
    now += HOUR;
    answers['Bearer alice'] = new AuthenticationError('"exp" claim failed');
    await expect(
      callers.credentials(request('Bearer alice'), ['user']),
    ).rejects.toThrow('"exp" claim failed');
    expect(calls).toHaveLength(2);
  });

  it("never keeps an expired token, a refusal, or a plugin's credentials (its own or on a user's behalf)", async () => {
    const expired = userCredentials('user:default/old', now - 1);
    const service = mockCredentials.service('plugin:catalog');
    const onBehalf: BackstageCredentials = {
      ...userCredentials('user:default/alice', now + HOUR),
      principal: {
        type: 'user',
        userEntityRef: 'user:default/alice',
        actor: { type: 'service', subject: 'plugin:scaffolder' },
      },
    };
    const { httpAuth, calls } = fakeHttpAuth({
      'Bearer old': expired,
      'Bearer catalog': service,
      'Bearer scaffolder-for-alice': onBehalf,
      'Bearer forged': new AuthenticationError(
        'Failed user token verification',
      ),
    });
    const callers = CallerCredentials.create({ httpAuth, now: () => now });

    for (let i = 0; i < 2; i++) {
      await callers.credentials(request('Bearer old'), ['user']);
      await callers.credentials(request('Bearer catalog'), ['service']);
      await callers.credentials(request('Bearer scaffolder-for-alice'), [
        'user',
      ]);
      await expect(
        callers.credentials(request('Bearer forged'), ['user']),
      ).rejects.toThrow('Failed user token verification');
      await expect(callers.credentials(request(), ['user'])).rejects.toThrow(
        AuthenticationError,
      );
    }
    expect(calls).toHaveLength(10);
  });

  it("refuses a known user token on a route that takes no user, as Backstage's check does", async () => {
    const alice = userCredentials('user:default/alice', now + HOUR);
    const { httpAuth } = fakeHttpAuth({ 'Bearer alice': alice });
    const callers = CallerCredentials.create({ httpAuth, now: () => now });
    await callers.credentials(request('Bearer alice'), ['user']);
    await expect(
      callers.credentials(request('Bearer alice'), ['service']),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: "This endpoint does not allow 'user' credentials",
    });
  });

  it('keeps at most maxTokens tokens, dropping the longest kept', async () => {
    const answers = Object.fromEntries(
      ['a', 'b', 'c'].map(name => [
        `Bearer ${name}`,
        userCredentials(`user:default/${name}`, now + HOUR),
      ]),
    );
    const { httpAuth, calls } = fakeHttpAuth(answers);
    const callers = CallerCredentials.create({
      httpAuth,
      now: () => now,
      maxTokens: 2,
    });
    for (const name of ['a', 'b', 'c', 'c', 'b', 'a']) {
      await callers.credentials(request(`Bearer ${name}`), ['user']);
    }
    // a, b, c verified; c and b remembered; a dropped when c came, so verified again.
    expect(calls).toEqual(['Bearer a', 'Bearer b', 'Bearer c', 'Bearer a']);
  });
});
