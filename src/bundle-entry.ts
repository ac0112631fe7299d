import { isMainThread, workerData } from 'node:worker_threads';
import { carried } from './lint/carried-validators';

/**
 * The entry point of the bundle (see src/bundle.ts): the CLI's main, and lint's module for the tests that
 * check the bundle lints as dist/src/ does.
 */
export { main } from './cli';

export function lintModule(): typeof import('./lint/lint') {
  return require('./lint/lint') as typeof import('./lint/lint');
}

// The schema validators the build compiled just before bundling come inside the bundle (and its code cache);
// schemas.ts still uses one only while it matches its schema.
carried.load = (name) => {
  switch (name) {
    case 'devcontainer':
      return require('../schemas/devcontainer.validate.js');
    case 'devcontainer-template':
      return require('../schemas/devcontainer-template.validate.js');
    case 'devcontainer-feature':
      return require('../schemas/devcontainer-feature.validate.js');
    default:
      return undefined;
  }
};

// lint.ts starts its worker threads with its own file, which in the bundle is this one: a worker loads the
// lint module, whose top level then lints the worker's share of the targets.
if (!isMainThread && typeof workerData === 'object' && workerData !== null && 'stagepackLint' in workerData) lintModule();
