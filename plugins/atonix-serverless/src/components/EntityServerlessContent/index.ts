export { EntityServerlessContent } from './EntityServerlessContent';
