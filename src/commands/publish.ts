import * as fs from 'node:fs';
import * as path from 'node:path';
import { countBySeverity } from '../diagnostics';
import { devcontainerCli, lastJsonLine } from '../devcontainer-cli';
import { EngineError, engineLog } from '../engine';
import { tempDir } from '../engine/package-index';
import { ensureDefaultRegistry, probeRegistry, type Registry } from '../engine/registry';
import { EXIT, type ExitCode, type Io } from '../io';
import { ConfigError } from '../lint/config';
import { lintTargets } from '../lint/lint';
import { discoverTargets, type TargetKind, type TargetRef } from '../pack';
import { ok, tail } from '../proc';
import { ignoredNote, printable, render } from '../render';
import { copyForPublishing } from '../publish-copy';
import { VERSION } from '../version';

export interface PublishInput {
  packPath: string;
  registry?: string;
  namespace: string;
  featuresNamespace?: string;
}

/** Features may not share the templates' namespace (each namespace has one collection listing). */
export function defaultFeaturesNamespace(templatesNamespace: string): string {
  return templatesNamespace.endsWith('/templates') ? `${templatesNamespace.slice(0, -'/templates'.length)}/features` : `${templatesNamespace}-features`;
}

export interface PublishedItem {
  kind: TargetKind;
  id: string;
  version: string;
  reference: string;
  tags: string[];
}

/**
 * Publishes every template and every feature of a pack with the Dev Containers CLI. The pack is linted
 * first and nothing is published if an error remains; each kind is staged as a copy of regular files, so
 * what is pushed is exactly what was linted.
 */
export async function publishCommand(input: PublishInput, io: Io): Promise<ExitCode> {
  const discovery = discoverTargets([input.packPath], io.cwd);
  if (!discovery.ok) {
    io.stderr(`stagepack publish: ${printable(discovery.message)}\n${discovery.fix ? `fix: ${discovery.fix}\n` : ''}`);
    return EXIT.usage;
  }
  io.stderr(ignoredNote('publish', discovery.ignored));
  const featuresNamespace = input.featuresNamespace ?? defaultFeaturesNamespace(input.namespace);
  if (featuresNamespace === input.namespace) {
    io.stderr(`stagepack publish: features and templates must be published to different namespaces (both are ${input.namespace})\nfix: pass --features-namespace with another one, such as ${defaultFeaturesNamespace(input.namespace === 'features' ? 'templates' : input.namespace)}\n`);
    return EXIT.usage;
  }

  let diagnostics;
  try {
    diagnostics = lintTargets(discovery.targets);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`stagepack publish: ${error.message}\nfix: ${error.fix}\nNothing was published.\n`);
    return EXIT.usage;
  }
  if (countBySeverity(diagnostics).error > 0) {
    io.stderr(render('text', diagnostics.filter((d) => d.severity === 'error'), {
      color: io.color,
      readSource: (file) => readOrUndefined(path.resolve(io.cwd, file)),
      rules: [],
      toolVersion: VERSION,
    }));
    io.stderr('stagepack publish: nothing was published; fix the errors above (stagepack lint shows them all) and rerun.\n');
    return EXIT.problems;
  }

  const log = engineLog(io.stderr);
  let registry: Registry;
  try {
    registry = input.registry ? { host: input.registry, port: 0, stop: async () => undefined } : await ensureDefaultRegistry(log);
  } catch (error) {
    return environmentFailure(error, io);
  }
  // A local registry we can ask directly; remote ones (TLS, auth) are left to the CLI to report on.
  const localPort = /^localhost:(\d+)$/.exec(registry.host)?.[1];
  if (input.registry && localPort && (await probeRegistry(Number(localPort))) !== 'registry') {
    io.stderr(`stagepack publish: no OCI registry answers at ${registry.host}; nothing was published.\nfix: start one there, or leave out --registry to use stagepack's own local registry.\n`);
    return EXIT.usage;
  }

  const staging = tempDir('stagepack-publish-');
  try {
    const published: PublishedItem[] = [];
    for (const [kind, namespace] of [['template', input.namespace], ['feature', featuresNamespace]] as const) {
      const items = discovery.targets.filter((t) => t.kind === kind);
      if (!items.length) continue;
      const collection = path.join(staging, `${kind}s`);
      for (const item of items) copyForPublishing(item.absDir, path.join(collection, item.folderName));
      io.stderr(`publish: ${items.length} ${kind}(s) to ${registry.host}/${namespace}\n`);
      const result = await devcontainerCli([`${kind}s`, 'publish', '--registry', registry.host, '--namespace', namespace, '--log-level', 'info', collection], {
        timeoutMs: 300_000,
        logFile: path.join(staging, `publish-${kind}s.log`),
      });
      const summary = lastJsonLine(result.stdout);
      if (!ok(result) || !summary) {
        io.stderr(`stagepack publish: \`devcontainer ${kind}s publish\` failed:\n${tail(result)}\n`);
        if (published.length) io.stderr(`Already published in this run: ${published.map((p) => `${p.reference}:${p.version}`).join(', ')}.\n`);
        io.stderr(`Fix the cause and rerun: versions already in ${registry.host} are skipped by the CLI, the rest are published.\n`);
        return EXIT.problems;
      }
      published.push(...describe(kind, items, summary, `${registry.host}/${namespace}`));
    }
    for (const item of published) {
      io.stdout(
        item.tags.length
          ? `published ${item.kind} ${item.id} ${item.version} -> ${item.reference} (tags: ${item.tags.join(', ')})\n`
          : `unchanged ${item.kind} ${item.id} ${item.version} at ${item.reference}: this version is already in the registry and the CLI never overwrites one; bump "version" to publish changes\n`,
      );
    }
    const firstTemplate = published.find((p) => p.kind === 'template');
    if (firstTemplate) {
      io.stdout(`\nApply it to a project with the Dev Containers CLI (npm i -g @devcontainers/cli):\n`);
      io.stdout(`  devcontainer templates apply -t ${firstTemplate.reference}:${firstTemplate.version.split('.')[0]} -w /path/to/your/project\n`);
    }
    return EXIT.ok;
  } catch (error) {
    io.stderr(`stagepack publish: ${error instanceof Error ? error.message : String(error)}\nNothing was published.\n`);
    return EXIT.problems;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function describe(kind: TargetKind, items: readonly TargetRef[], summary: Record<string, unknown>, prefix: string): PublishedItem[] {
  return items.map((item) => {
    const entry = summary[item.folderName];
    const record = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
    const tags = Array.isArray(record.publishedTags) ? record.publishedTags.map(String) : [];
    const version = typeof record.version === 'string' ? record.version : readVersion(item);
    return { kind, id: item.folderName, version, reference: `${prefix}/${item.folderName}`, tags };
  });
}

function readVersion(item: TargetRef): string {
  const file = path.join(item.absDir, item.kind === 'template' ? 'devcontainer-template.json' : 'devcontainer-feature.json');
  const match = /"version"\s*:\s*"([^"]+)"/.exec(readOrUndefined(file) ?? '');
  return match?.[1] ?? '?';
}

function readOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

export function environmentFailure(error: unknown, io: Io): ExitCode {
  if (error instanceof EngineError) {
    io.stderr(`stagepack: ${error.message}\nfix: ${error.hint}\n`);
    return EXIT.usage;
  }
  throw error;
}
