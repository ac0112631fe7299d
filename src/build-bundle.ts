/**
 * Build step (scripts/bootstrap.sh and `npm run build` run it after tsc and compile-schemas): writes the
 * bundle and its code cache that bin/stagepack.js starts from (see src/bundle.ts for why and what).
 *
 * The code cache is made by linting this repository's templates/ and features/ once in this process, with
 * the output dropped, and then asking V8 for the script's cache: it then holds the functions lint ran. What
 * the lint found does not matter here (the pack's own lint is a test of its own).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUNDLE, CODE_CACHE, cacheHeader, loadBundle } from './bundle';
import { bufferIo } from './io';
import { PACKAGE_ROOT } from './version';

/**
 * Dependencies left out of the bundle and loaded from node_modules as usual: those only publish, test or a
 * stale schema need (keeping the file that every command reads small), and the Dev Containers CLI, which
 * runs as a program of its own.
 */
const EXTERNAL = ['@devcontainers/cli', 'ajv', 'fzstd', 'send', 'smol-toml', 'tar-stream'];

export async function buildBundle(): Promise<string[]> {
  const esbuild = require('esbuild') as typeof import('esbuild');
  // A failed build leaves neither file: bin/stagepack.js then loads dist/src/ as tsc left it.
  fs.rmSync(CODE_CACHE, { force: true });
  fs.rmSync(BUNDLE, { force: true });
  await esbuild.build({
    entryPoints: [path.join(__dirname, 'bundle-entry.js')],
    outfile: BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    // jsonc-parser's "main" is a UMD build whose requires a bundler cannot follow; its "module" build is plain ESM.
    mainFields: ['module', 'main'],
    external: EXTERNAL,
    logLevel: 'warning',
    // Dynamic requires (the compiled schemas of dist/schemas/) stay requires, resolved from dist/ at run time.
    logOverride: { 'unsupported-require-call': 'silent' },
  });
  const loaded = loadBundle(BUNDLE, CODE_CACHE);
  if (!loaded) throw new Error(`${BUNDLE} was not written`);
  await loaded.exports.main(['node', 'stagepack', 'lint', PACKAGE_ROOT], bufferIo(PACKAGE_ROOT));
  fs.writeFileSync(CODE_CACHE, Buffer.concat([cacheHeader(fs.readFileSync(BUNDLE)), loaded.script.createCachedData()]));
  return [BUNDLE, CODE_CACHE];
}

if (require.main === module) {
  buildBundle().then(
    (written) => {
      for (const file of written) process.stdout.write(`wrote ${path.relative(process.cwd(), file)} (${Math.round(fs.statSync(file).size / 1024)} KB)\n`);
    },
    (error: unknown) => {
      process.stderr.write(`build-bundle: ${error instanceof Error ? error.message : String(error)}\nfix: run npm ci (esbuild is a dev dependency), then npm run build; without the bundle the CLI still runs from dist/src/\n`);
      process.exitCode = 1;
    },
  );
}
