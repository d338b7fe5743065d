import { fireEvent, screen, waitFor } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { AtonixSignInPage } from './AtonixSignInPage';

/** What the backend answers: a guest token, the catalog's Users, a development sign-in. */
function fakeBackend() {
  const calls: Array<{ url: string; headers: Headers }> = [];
  const json = (body: unknown) =>
    new Response(JSON.stringify(body), {
      headers: { 'content-type': 'application/json' },
    });
  // An unsigned JWT: the app reads its expiry, only the backend checks signatures.
  const token = (sub: string) =>
    [{ alg: 'none' }, { sub, exp: Math.floor(Date.now() / 1000) + 3600 }]
      .map(part => Buffer.from(JSON.stringify(part)).toString('base64url'))
      .concat('signature')
      .join('.');
  const identity = (userEntityRef: string) => ({
    providerInfo: {},
    profile: {},
    backstageIdentity: {
      token: token(userEntityRef),
      identity: { type: 'user', userEntityRef, ownershipEntityRefs: [] },
    },
  });
  global.fetch = jest.fn(
    async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input);
      calls.push({ url, headers: new Headers(init?.headers) });
      if (url.endsWith('/auth/guest/refresh')) {
        return json(identity('user:default/guest'));
      }
      // GET /entities answers the list itself.
      if (url.includes('/catalog/entities?')) {
        return json([
            {
              kind: 'User',
              metadata: { namespace: 'default', name: 'ada' },
              spec: { profile: { displayName: 'Ada (payments)' } },
            },
            {
              kind: 'User',
              metadata: { namespace: 'default', name: 'sam' },
              spec: { profile: { displayName: 'Sam (analytics)' } },
            },
        ]);
      }
      if (url.endsWith('/auth/development/refresh')) {
        return json(identity('user:default/sam'));
      }
      return new Response('not found', { status: 404 });
    },
  ) as typeof fetch;
  return calls;
}

jest.setTimeout(30_000);

describe('AtonixSignInPage', () => {
  const nodeEnv = process.env.NODE_ENV;
  afterEach(() => {
    (process.env as any).NODE_ENV = nodeEnv;
    sessionStorage.clear();
  });

  it('in development, offers the guest and every catalog User, and signs in as the one picked', async () => {
    (process.env as any).NODE_ENV = 'development';
    const calls = fakeBackend();
    const onSignInSuccess = jest.fn();
    await renderInTestApp(
      <AtonixSignInPage onSignInSuccess={onSignInSuccess} />,
    );

    expect(screen.getByRole('button', { name: 'Enter' })).toBeInTheDocument();
    await screen.findByRole('button', { name: 'Sign in as this user' });
    fireEvent.mouseDown(screen.getByRole('button', { name: /^User/ }));
    const options = await screen.findAllByRole('option');
    expect(options.map(o => o.textContent)).toEqual([
      'Ada (payments) — user:default/ada',
      'Sam (analytics) — user:default/sam',
    ]);
    fireEvent.click(options[1]);
    fireEvent.click(
      screen.getByRole('button', { name: 'Sign in as this user' }),
    );

    await waitFor(() => expect(onSignInSuccess).toHaveBeenCalled());
    const signIn = calls.find(c =>
      c.url.endsWith('/auth/development/refresh'),
    )!;
    expect(signIn.headers.get('x-atonix-sign-in-as')).toBe('user:default/sam');
    expect(sessionStorage.getItem('atonix.signInAs')).toBe('user:default/sam');

    const identity = onSignInSuccess.mock.calls[0][0];
    await identity.signOut().catch(() => undefined);
    expect(sessionStorage.getItem('atonix.signInAs')).toBeNull();
  });
});
