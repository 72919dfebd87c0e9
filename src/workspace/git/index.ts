export { GitCommandError } from './command';
export * from './history';
export * from './publish';
export * from './repository';
export * from './trailers';
