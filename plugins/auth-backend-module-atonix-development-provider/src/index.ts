/**
 * Development-only sign-in as any catalog User (auth provider `development`).
 *
 * @packageDocumentation
 */

export { authModuleAtonixDevelopmentProvider as default } from './module';
export { isDevelopmentSignInEnabled } from './developmentProvider';
