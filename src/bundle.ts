import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';

/**
 * How bin/stagepack.js starts the CLI fast. `stagepack lint` runs on every save and in pre-commit hooks,
 * where a third of its time was Node finding, reading and compiling 160 modules one by one. The build
 * (src/build-bundle.ts) therefore writes:
 * - BUNDLE: the CLI in one file (esbuild, from the tsc output in dist/src/, so the code is the very code tsc
 *   emitted; rarely used dependencies such as ajv and the Dev Containers CLI stay outside and load as usual);
 * - CODE_CACHE: V8's code cache of that file, made after linting this repository's own pack, so that it holds
 *   the functions lint runs and not only the top level. It starts with the SHA-256 of the bundle it was made
 *   from: V8 checks only a source's length, and a cache of another bundle is never used.
 *
 * Both are build output, never written at run time (an install may be read-only). Without them, or with
 * STAGEPACK_DEBUG set (whose stack traces should name our files), the CLI loads from dist/src/ as tsc left it.
 */
export const DIST = path.resolve(__dirname, '..');
export const BUNDLE = path.join(DIST, 'stagepack.bundle.js');
export const CODE_CACHE = `${BUNDLE}.cache`;

/** What the bundle exports (src/bundle-entry.ts). */
export type BundleExports = typeof import('./bundle-entry');

export interface LoadedBundle {
  exports: BundleExports;
  /** The compiled script, for the build to make the code cache from. */
  script: vm.Script;
  /** Whether V8 took the code cache: false when there was none, it was made from another bundle, or V8 refused it (another Node). */
  cacheUsed: boolean;
}

/** The bundle as Node would load it with require(), plus V8's code cache when it was made from this very file. Undefined without a bundle. */
export function loadBundle(file = BUNDLE, cacheFile = `${file}.cache`): LoadedBundle | undefined {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  // esbuild writes ASCII (it escapes the rest), which Latin-1 decodes as UTF-8 would, only faster.
  const source = isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  const cachedData = cacheFor(bytes, cacheFile);
  // The wrapper Node itself puts around a CommonJS module, on the first line so that line numbers stay.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, { filename: file, cachedData });
  const module = { exports: {} as BundleExports, filename: file, id: file, loaded: false };
  const run = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  module.loaded = true;
  return { exports: module.exports, script, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}

/** The code cache's V8 data when its header is the digest of this bundle, else undefined. */
function cacheFor(bundle: Buffer, cacheFile: string): Buffer | undefined {
  let data: Buffer;
  try {
    data = fs.readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const header = cacheHeader(bundle);
  return data.length > header.length && data.subarray(0, header.length).equals(header) ? data.subarray(header.length) : undefined;
}

/** `stagepack-code-cache <sha256 of the bundle's bytes>\n` */
export function cacheHeader(bundle: Buffer): Buffer {
  return Buffer.from(`stagepack-code-cache ${createHash('sha256').update(bundle).digest('hex')}\n`);
}

/**
 * The CLI's main: from the bundle when there is one (and STAGEPACK_DEBUG is unset), else from dist/src/cli.js.
 * A bundle that does not load (a build cut short) is reported in one line and the CLI runs from dist/src/.
 */
export function loadMain(env: NodeJS.ProcessEnv = process.env, warn = (text: string) => void process.stderr.write(text), file = BUNDLE): BundleExports['main'] {
  let bundle: LoadedBundle | undefined;
  if (!env.STAGEPACK_DEBUG) {
    try {
      bundle = loadBundle(file);
    } catch (error) {
      warn(`stagepack: ${file} does not load (${error instanceof Error ? error.message : String(error)}); running from dist/src/ instead\nfix: npm run build\n`);
    }
  }
  return bundle ? bundle.exports.main : (require('./cli') as typeof import('./cli')).main;
}
