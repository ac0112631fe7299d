/**
 * What the templates' multi-stage layout buys, measured side by side in one run on this machine's engine:
 * for the Flask and FastAPI sample apps, the template's `app` target against a naive single-stage image of
 * the same app (FROM the full Python image, COPY . ., pip install), both built with BuildKit.
 *
 * Reported per app:
 * - image sizes and their ratio; what each image adds over its own base image, and what the app image's
 *   /opt/venv and /app hold (the additions should be those two and nothing else);
 * - build time without layer cache ("cold": every layer rebuilt; pip's cache mount, which only the template
 *   uses, stays warm as on a developer's machine after the first build), and the time to rebuild after a
 *   source-only change, with the build steps that were really rebuilt;
 * - dev container start time with a warm image (`devcontainer up` after the container is removed).
 *
 * Base images are stand-ins built from Debian packages when Docker Hub is unreachable (the report says so):
 * their sizes are not the official images'. Everything built here is removed by id at the end.
 * Run: npm run bench:images
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { devcontainerCli, lastJsonLine } from '../src/devcontainer-cli';
import { ensureBaseImages, isStandIn } from '../src/engine/base-images';
import { ensureDocker } from '../src/engine/docker';
import type { Engine } from '../src/engine/engine';
import { engineLog } from '../src/engine/log';
import { ensurePackageIndex } from '../src/engine/package-index';
import { discoverTargets, loadTarget, templateOptions, type TargetRef } from '../src/pack';
import { ok, tail } from '../src/proc';
import { defaultOptionValues } from '../src/template-options';
import { getPath } from '../src/jsonc';
import { startEphemeralRegistry, type Registry } from '../src/engine/registry';
import { copyForPublishing } from '../src/publish-copy';
import { writeOverrideConfig } from '../src/testing/template-run';
import { PACKAGE_ROOT } from '../src/version';

const CASES = [
  { template: 'flask-gunicorn', app: 'flask', source: 'src/app.py', naiveCmd: '["gunicorn", "--chdir", "src", "--bind", "0.0.0.0:8000", "app:app"]' },
  { template: 'fastapi-gunicorn', app: 'fastapi', source: 'src/main.py', naiveCmd: '["gunicorn", "--chdir", "src", "-k", "uvicorn.workers.UvicornWorker", "--bind", "0.0.0.0:8000", "main:app"]' },
] as const;

/** The naive image users start from. The secret mount is only there to reach this machine's package index. */
const naiveDockerfile = (cmd: string) => `FROM python:3.11-bookworm
WORKDIR /app
COPY . .
RUN --mount=type=secret,id=pip.conf,target=/etc/pip.conf pip install -r requirements.txt
CMD ${cmd}
`;

/** The template as users get it: published to a temporary local registry and applied by the Dev Containers CLI. */
async function applyTemplate(template: TargetRef, workspace: string, registry: Registry, work: string): Promise<void> {
  const collection = path.join(work, `collection-${template.folderName}`);
  copyForPublishing(template.absDir, path.join(collection, template.folderName));
  const published = await devcontainerCli(['templates', 'publish', '--registry', registry.host, '--namespace', 'bench/templates', collection]);
  const version = getPath(lastJsonLine(published.stdout), [template.folderName, 'version']);
  if (!ok(published) || typeof version !== 'string') throw new Error(`devcontainer templates publish failed:\n${tail(published, 10)}`);
  const options = JSON.stringify(defaultOptionValues(templateOptions(loadTarget(template))));
  const applied = await devcontainerCli(['templates', 'apply', '--template-id', `${registry.host}/bench/templates/${template.folderName}:${version}`, '--template-args', options, '--workspace-folder', workspace]);
  if (!ok(applied)) throw new Error(`devcontainer templates apply failed:\n${tail(applied, 10)}`);
}

interface Build {
  image: string;
  seconds: number;
  /** Build steps (`[stage n/m] INSTRUCTION`) that ran rather than came from the cache (FROM excluded). */
  rebuilt: string[];
}

async function build(engine: Engine, args: string[], context: string, iidFile: string, log: string): Promise<Build> {
  const started = process.hrtime.bigint();
  const result = await engine.docker(['build', '--progress', 'plain', '--iidfile', iidFile, ...args, context], { timeoutMs: 1_800_000, logFile: log });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (!ok(result)) throw new Error(`docker build failed (log ${log}):\n${tail(result, 15)}`);
  const output = result.stderr + result.stdout;
  const names = new Map<string, string>();
  const cached = new Set<string>();
  // `#5 [app 3/3] COPY src/ ./` (a named stage) or `#5 [2/4] COPY . .`; FROM lines resolve, they never rebuild.
  for (const m of output.matchAll(/^#(\d+) (\[(?:[^\]]+ )?\d+\/\d+\] .+)$/gm)) if (!/\] FROM /.test(m[2])) names.set(m[1], m[2].slice(0, 90));
  for (const m of output.matchAll(/^#(\d+) CACHED$/gm)) cached.add(m[1]);
  return { image: fs.readFileSync(iidFile, 'utf8').trim(), seconds, rebuilt: [...names].filter(([id]) => !cached.has(id)).map(([, name]) => name) };
}

const mb = (bytes: number) => (Math.abs(bytes) < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`);

async function main(): Promise<void> {
  const log = engineLog((text) => process.stderr.write(text));
  const engine = await ensureDocker(log);
  const bases = ['python:3.11-slim-bookworm', 'python:3.11-bookworm'];
  await ensureBaseImages(engine, log, bases);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-bench-'));
  const index = await ensurePackageIndex(log, work);
  const registry = await startEphemeralRegistry(log, path.join(work, 'registry'));
  const images: string[] = [];
  const containers: string[] = [];
  const size = async (image: string) => Number((await engine.docker(['image', 'inspect', '--format', '{{.Size}}', image])).stdout.trim());
  const standIns = (await Promise.all(bases.map(async (b) => ((await isStandIn(engine, b)) ? b : '')))).filter(Boolean);
  const discovered = discoverTargets([PACKAGE_ROOT], PACKAGE_ROOT);
  if (!discovered.ok) throw new Error(discovered.message);
  const lines: string[] = [];
  try {
    for (const c of CASES) {
      const template = discovered.targets.find((t) => t.folderName === c.template);
      if (!template) throw new Error(`no template ${c.template}`);
      const appDir = path.join(PACKAGE_ROOT, 'test', 'fixtures', 'apps', c.app);
      const ws = path.join(work, `${c.template}-bench`);
      const naive = path.join(work, `${c.app}-naive`);
      fs.cpSync(appDir, ws, { recursive: true });
      await applyTemplate(template, ws, registry, work);
      fs.cpSync(appDir, naive, { recursive: true });
      fs.writeFileSync(path.join(naive, 'Dockerfile'), naiveDockerfile(c.naiveCmd));
      const logs = (name: string) => path.join(work, `${c.app}-${name}.log`);
      const iid = (name: string) => path.join(work, `${c.app}-${name}.iid`);

      // Cold builds, side by side: every layer rebuilt.
      const appCold = await build(engine, ['--no-cache', '--target', 'app', ...index.buildOptions], ws, iid('app-cold'), logs('app-cold'));
      images.push(appCold.image);
      const naiveCold = await build(engine, ['--no-cache', ...index.buildOptions], naive, iid('naive-cold'), logs('naive-cold'));
      images.push(naiveCold.image);

      // A source-only change (a comment appended to the module), then a normal (cached) rebuild.
      for (const dir of [ws, naive]) fs.appendFileSync(path.join(dir, c.source), `\n# edited by the benchmark at ${Date.now()}\n`);
      const appEdit = await build(engine, ['--target', 'app', ...index.buildOptions], ws, iid('app-edit'), logs('app-edit'));
      images.push(appEdit.image);
      const naiveEdit = await build(engine, [...index.buildOptions], naive, iid('naive-edit'), logs('naive-edit'));
      images.push(naiveEdit.image);

      const appSize = await size(appCold.image);
      const naiveSize = await size(naiveCold.image);
      const du = await engine.docker(['run', '--rm', '--network', 'none', '--entrypoint', 'du', appCold.image, '-sb', '/opt/venv', '/app']);
      const held = du.stdout.trim().split('\n').map((l) => l.split('\t')).map(([bytes, dir]) => `${dir} ${mb(Number(bytes))}`).join(', ');

      // Dev container: up once (builds the development target), remove the container, up again: warm start.
      const override = writeOverrideConfig(ws, path.join(work, `${c.app}-dev`), index.buildOptions);
      const up = async () => {
        const started = process.hrtime.bigint();
        const result = await engine.devcontainer(['up', '--workspace-folder', ws, '--override-config', override, '--docker-path', engine.client, '--log-level', 'info'], { timeoutMs: 900_000, logFile: logs('dev-up') });
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        const id = lastJsonLine(result.stdout)?.containerId;
        if (typeof id !== 'string') throw new Error(`devcontainer up failed (log ${logs('dev-up')})`);
        containers.push(id);
        const image = (await engine.docker(['inspect', '--format', '{{.Image}}', id])).stdout.trim();
        if (image && !images.includes(image)) images.push(image);
        return { id, seconds };
      };
      const first = await up();
      await engine.docker(['rm', '--force', first.id]);
      const warm = await up();
      await engine.docker(['rm', '--force', warm.id]);
      const devImages = await engine.docker(['images', '--no-trunc', '--format', '{{.ID}} {{.Repository}}', '--filter', `reference=vsc-${path.basename(ws).toLowerCase()}-*`]);
      for (const line of devImages.stdout.trim().split('\n').filter(Boolean)) if (!images.includes(line.split(' ')[0])) images.push(line.split(' ')[0]);

      const slimBase = await size('python:3.11-slim-bookworm');
      const fullBase = await size('python:3.11-bookworm');
      lines.push(
        `## ${c.template} (sample app test/fixtures/apps/${c.app})`,
        '',
        '| | template `app` target | naive single stage | naive / template |',
        '| --- | --- | --- | --- |',
        `| image size | ${mb(appSize)} | ${mb(naiveSize)} | ${(naiveSize / appSize).toFixed(2)}x |`,
        `| added over its base image | ${mb(appSize - slimBase)} over python:3.11-slim-bookworm | ${mb(naiveSize - fullBase)} over python:3.11-bookworm | ${((naiveSize - fullBase) / (appSize - slimBase)).toFixed(2)}x |`,
        `| cold build (no layer cache) | ${appCold.seconds.toFixed(1)} s | ${naiveCold.seconds.toFixed(1)} s | ${(naiveCold.seconds / appCold.seconds).toFixed(2)}x |`,
        `| rebuild after a source-only change | ${appEdit.seconds.toFixed(1)} s (${((appEdit.seconds / appCold.seconds) * 100).toFixed(0)}% of cold) | ${naiveEdit.seconds.toFixed(1)} s (${((naiveEdit.seconds / naiveCold.seconds) * 100).toFixed(0)}% of cold) | ${(naiveEdit.seconds / appEdit.seconds).toFixed(2)}x |`,
        '',
        `- The app image holds ${held}.`,
        `- Rebuilt after the source change, template: ${appEdit.rebuilt.join('; ') || 'nothing'}.`,
        `- Rebuilt after the source change, naive: ${naiveEdit.rebuilt.join('; ') || 'nothing'}.`,
        `- Dev container: first \`devcontainer up\` ${first.seconds.toFixed(1)} s (development target built from the build cache of the runs above), again with the image warm ${warm.seconds.toFixed(1)} s.`,
        '',
      );
    }
  } finally {
    if (containers.length) await engine.docker(['rm', '--force', ...containers]);
    if (images.length) await engine.docker(['rmi', '--force', ...new Set(images)]);
    await index.close();
    await registry.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(
    `# Image benchmark (${new Date().toISOString()}, ${os.cpus().length} CPUs)\n\n` +
      (standIns.length ? `Base images are stand-ins built from Debian packages (${standIns.join(', ')}): sizes are not the official images'.\n\n` : '') +
      `${lines.join('\n')}`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
