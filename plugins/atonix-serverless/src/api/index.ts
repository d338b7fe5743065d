export * from './AtonixServerlessApi';
export { AtonixServerlessClient } from './AtonixServerlessClient';
