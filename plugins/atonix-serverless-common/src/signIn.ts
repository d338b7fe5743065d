/**
 * The request header that names the catalog User to sign in as with the development-only auth
 * provider `development`; the portal's sign-in picker sets it.
 */
export const DEVELOPMENT_SIGN_IN_HEADER = 'x-atonix-sign-in-as';
