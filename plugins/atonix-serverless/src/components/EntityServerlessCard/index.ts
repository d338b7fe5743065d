export { EntityServerlessCard } from './EntityServerlessCard';
