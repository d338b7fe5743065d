export { atonixServerlessPlugin as default } from './plugin';
