import { useState } from 'react';
import { CatalogClient } from '@backstage/catalog-client';
import {
  Content,
  Header,
  InfoCard,
  Page,
  Progress,
  ProxiedSignInPage,
  ResponseErrorPanel,
  SignInPage,
} from '@backstage/core-components';
import {
  DiscoveryApi,
  IdentityApi,
  configApiRef,
  discoveryApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import { SignInPageProps } from '@backstage/plugin-app-react';
import { ResponseError } from '@backstage/errors';
import { DEVELOPMENT_SIGN_IN_HEADER } from '@internal/backstage-plugin-atonix-serverless-common';
import {
  Button,
  Grid,
  MenuItem,
  TextField,
  Typography,
} from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';

/** Who the tab signed in as ('guest' or a User ref), kept until sign-out so reloads stay signed in. */
const SIGNED_IN_AS = 'atonix.signInAs';
const GUEST = 'guest';

interface CatalogUser {
  ref: string;
  label: string;
}

/**
 * The Users of the catalog, read with a guest token: the picker is shown before anyone is signed
 * in, and the guest provider is on wherever development sign-in is.
 */
async function catalogUsers(
  discoveryApi: DiscoveryApi,
): Promise<CatalogUser[]> {
  const refresh = await fetch(
    `${await discoveryApi.getBaseUrl('auth')}/guest/refresh`,
    {
      credentials: 'include',
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    },
  );
  if (!refresh.ok) {
    throw await ResponseError.fromResponse(refresh);
  }
  const { token } = (await refresh.json()).backstageIdentity;
  const catalog = new CatalogClient({
    discoveryApi,
    fetchApi: {
      fetch: (input, init) =>
        fetch(input, {
          ...init,
          headers: { ...init?.headers, Authorization: `Bearer ${token}` },
        }),
    },
  });
  const { items } = await catalog.getEntities({
    filter: { kind: 'User' },
    fields: [
      'kind',
      'metadata.namespace',
      'metadata.name',
      'spec.profile.displayName',
    ],
    order: { field: 'metadata.name', order: 'asc' },
  });
  return items.map(user => {
    const ref = `user:${user.metadata.namespace ?? 'default'}/${
      user.metadata.name
    }`;
    const displayName = (user.spec?.profile as { displayName?: string })
      ?.displayName;
    return { ref, label: displayName ? `${displayName} — ${ref}` : ref };
  });
}

/** The app's identity, except that signing out also forgets whom the tab signed in as. */
function forgettingOnSignOut(identity: IdentityApi): IdentityApi {
  return {
    getProfileInfo: () => identity.getProfileInfo(),
    getBackstageIdentity: () => identity.getBackstageIdentity(),
    getCredentials: () => identity.getCredentials(),
    signOut: async () => {
      sessionStorage.removeItem(SIGNED_IN_AS);
      await identity.signOut();
    },
  };
}

function UserPicker(props: { onPick(ref: string): void }) {
  const discoveryApi = useApi(discoveryApiRef);
  const users = useAsync(() => catalogUsers(discoveryApi), [discoveryApi]);
  const [selected, setSelected] = useState('');
  if (users.loading) return <Progress />;
  if (users.error) {
    return (
      <ResponseErrorPanel
        error={users.error}
        title="Could not list the catalog's Users"
      />
    );
  }
  return (
    <>
      <TextField
        select
        fullWidth
        variant="outlined"
        id="development-sign-in-user"
        label="User"
        value={selected}
        onChange={event => setSelected(event.target.value)}
      >
        {users.value!.map(user => (
          <MenuItem key={user.ref} value={user.ref}>
            {user.label}
          </MenuItem>
        ))}
      </TextField>
      <Button
        style={{ marginTop: 16 }}
        variant="contained"
        color="primary"
        disabled={!selected}
        onClick={() => props.onPick(selected)}
      >
        Sign in as this user
      </Button>
    </>
  );
}

/**
 * The sign-in page. A production build shows Backstage's usual page. A development build (`yarn
 * start`, `./run start`, `./run demo`) offers the guest, as before, and any User of the catalog,
 * through the development-only auth provider (plugins/auth-backend-module-atonix-development-provider),
 * so that team boundaries can be tried in a browser.
 */
export function AtonixSignInPage(props: SignInPageProps) {
  const configApi = useApi(configApiRef);
  const [signedInAs, setSignedInAs] = useState(() =>
    sessionStorage.getItem(SIGNED_IN_AS),
  );
  if (process.env.NODE_ENV !== 'development') {
    return <SignInPage {...props} providers={['guest']} />;
  }
  const choose = (who: string) => {
    sessionStorage.setItem(SIGNED_IN_AS, who);
    setSignedInAs(who);
  };
  const onSignInSuccess = (identity: IdentityApi) =>
    props.onSignInSuccess(forgettingOnSignOut(identity));

  if (signedInAs === GUEST) {
    return (
      <ProxiedSignInPage
        {...props}
        onSignInSuccess={onSignInSuccess}
        provider="guest"
      />
    );
  }
  if (signedInAs) {
    return (
      <ProxiedSignInPage
        {...props}
        onSignInSuccess={onSignInSuccess}
        provider="development"
        headers={{ [DEVELOPMENT_SIGN_IN_HEADER]: signedInAs }}
      />
    );
  }
  return (
    <Page themeId="home">
      <Header title={configApi.getOptionalString('app.title') ?? 'Backstage'} />
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12} md={4}>
            <InfoCard title="Guest">
              <Typography paragraph>
                Sign in as the guest user of the local portal.
              </Typography>
              <Button
                variant="contained"
                color="primary"
                onClick={() => choose(GUEST)}
              >
                Enter
              </Button>
            </InfoCard>
          </Grid>
          <Grid item xs={12} md={6}>
            <InfoCard title="Sign in as a catalog user (development only)">
              <Typography paragraph>
                Try the portal as someone else: any User of the catalog, with
                the teams it is a member of. Not available in production.
              </Typography>
              <UserPicker onPick={choose} />
            </InfoCard>
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}
