export { FunctionsPage } from './FunctionsPage';
