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
import { readListing } from '../oci/catalog';
import { OciClient } from '../oci/client';
import { registryCredential, scrubSecrets } from '../oci/credentials';
import { describePlanned, planItem, RegistryError, restoreMovingTags, type PlannedItem } from '../oci/publish-plan';
import { VERSION } from '../version';

export interface PublishInput {
  packPath: string;
  registry?: string;
  namespace: string;
  featuresNamespace?: string;
  /** Print what would happen to each item (new, unchanged, refused) and publish nothing. */
  dryRun?: boolean;
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
  // A local --registry that does not answer at all gets the plain message; any other registry is asked through
  // the OCI client below, whose errors (TLS, auth, unreachable) say what to do.
  const localPort = /^localhost:(\d+)$/.exec(registry.host)?.[1];
  if (input.registry && localPort && (await probeRegistry(Number(localPort))) !== 'registry') {
    io.stderr(`stagepack publish: no OCI registry answers at ${registry.host}; nothing was published.\nfix: start one there, or leave out --registry to use stagepack's own local registry.\n`);
    return EXIT.usage;
  }

  const credential = await registryCredential(registry.host, { ...process.env, ...io.env });
  const client = new OciClient(registry.host, { credential });
  const staging = tempDir('stagepack-publish-');
  try {
    // Stage every item as the CLI will pack it, then decide what happens to each before anything is pushed.
    const kinds = ([['template', input.namespace], ['feature', featuresNamespace]] as const).map(([kind, namespace]) => ({
      kind,
      namespace,
      collection: path.join(staging, `${kind}s`),
      items: discovery.targets.filter((t) => t.kind === kind),
    })).filter((k) => k.items.length);
    const planned: PlannedItem[] = [];
    for (const { kind, namespace, collection, items } of kinds) {
      for (const item of items) {
        const dir = path.join(collection, item.folderName);
        copyForPublishing(item.absDir, dir);
        const reference = `${registry.host}/${namespace}/${item.folderName}`;
        planned.push(await planItem(client, `${namespace}/${item.folderName}`, { kind, id: item.folderName, version: readVersion(item), reference, dir, displayDir: item.displayDir }));
      }
    }
    // The CLI writes a namespace's collection listing from this run's items alone: say which listed items a
    // partial publication would drop from it (VS Code then stops offering them, though they stay published).
    for (const { kind, namespace, items } of kinds) {
      const listed = await readListing(client, namespace);
      const dropped = (listed?.ids ?? []).filter((id) => !items.some((i) => i.folderName === id));
      if (dropped.length) {
        io.stderr(`stagepack publish: warning: the collection listing of ${registry.host}/${namespace} names ${dropped.join(', ')}, which this run does not hold; the CLI rewrites the listing from this run's ${kind}s only, so ${dropped.length === 1 ? 'it' : 'they'} would no longer be listed (${dropped.length === 1 ? 'it stays' : 'they stay'} published).\nfix: publish the whole collection (the pack root) to keep every ${kind} listed.\n`);
      }
    }
    const refused = planned.filter((p) => p.action === 'refused');
    if (input.dryRun || refused.length) {
      for (const item of planned) io.stdout(`${describePlanned(item, Boolean(input.dryRun))}\n`);
      if (refused.length) {
        io.stderr(`stagepack publish: nothing was published: ${refused.length} item(s) changed without a new version (above); bump them and rerun.\n`);
        return EXIT.problems;
      }
      io.stderr(`stagepack publish: dry run; nothing was published (${planned.filter((p) => p.action === 'new').length} to publish, ${planned.filter((p) => p.action === 'unchanged').length} unchanged).\n`);
      return EXIT.ok;
    }

    // Complete what an earlier, interrupted run left: an unchanged version whose moving tags are missing.
    for (const item of planned) {
      if (item.action === 'unchanged' && item.retag.length) await restoreMovingTags(client, item.reference.slice(registry.host.length + 1), item.retag);
    }
    const published: PublishedItem[] = [];
    let raced = false;
    for (const { kind, namespace, collection, items } of kinds) {
      io.stderr(`publish: ${items.length} ${kind}(s) to ${registry.host}/${namespace}\n`);
      // The CLI is run even when every item is unchanged: it also pushes the collection listing, which a run
      // stopped half-way may not have written.
      const result = await devcontainerCli([`${kind}s`, 'publish', '--registry', registry.host, '--namespace', namespace, '--log-level', 'info', collection], {
        timeoutMs: 300_000,
        logFile: path.join(staging, `publish-${kind}s.log`),
      });
      const summary = lastJsonLine(result.stdout);
      if (!ok(result) || !summary) {
        io.stderr(`stagepack publish: \`devcontainer ${kind}s publish\` failed:\n${scrubSecrets(withoutStackFrames(tail(result, 30)), credential)}\n`);
        io.stderr(await afterFailure(client, planned, published));
        return EXIT.problems;
      }
      published.push(...describe(kind, items, summary, `${registry.host}/${namespace}`));
    }
    for (const item of published) {
      const plan = planned.find((p) => p.kind === item.kind && p.id === item.id);
      if (item.tags.length) io.stdout(`published ${item.kind} ${item.id} ${item.version} -> ${item.reference} (tags: ${item.tags.join(', ')})\n`);
      else if (plan?.action === 'unchanged') io.stdout(`${describePlanned(plan, false)}\n`);
      else {
        // Planned as new, yet the CLI found the version there: someone published it meanwhile, with content unknown.
        io.stderr(`stagepack publish: ${item.kind} ${item.id} ${item.version} was not published: that version appeared in ${item.reference} while this run went on.\nfix: run publish again to compare it with yours.\n`);
        raced = true;
      }
    }
    const firstTemplate = published.find((p) => p.kind === 'template');
    if (raced) return EXIT.problems;
    if (firstTemplate) {
      io.stdout(`\nApply it to a project with the Dev Containers CLI (npm i -g @devcontainers/cli):\n`);
      io.stdout(`  devcontainer templates apply -t ${firstTemplate.reference}:${firstTemplate.version.split('.')[0]} -w /path/to/your/project\n`);
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof RegistryError) {
      io.stderr(`stagepack publish: ${scrubSecrets(error.message, credential)}\nfix: ${error.fix}\nNothing was published.\n`);
      return error.kind === 'protocol' ? EXIT.problems : EXIT.usage;
    }
    io.stderr(`stagepack publish: ${error instanceof Error ? error.message : String(error)}\nNothing was published.\n`);
    return EXIT.problems;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * After the CLI failed part-way: which of the items planned as new are in the registry now, which are not,
 * and what to do. Asked of the registry itself (the CLI prints no summary when it fails); if it does not
 * answer, that is said instead of a guess.
 */
async function afterFailure(client: OciClient, planned: readonly PlannedItem[], publishedBefore: readonly PublishedItem[]): Promise<string> {
  const fresh = planned.filter((p) => p.action === 'new');
  const landed: string[] = [];
  const missing: string[] = [];
  try {
    for (const item of fresh) {
      const repository = item.reference.slice(client.registry.length + 1);
      ((await client.tags(repository)).includes(item.version) ? landed : missing).push(`${item.kind} ${item.id} ${item.version}`);
    }
  } catch (error) {
    const before = publishedBefore.filter((p) => p.tags.length).map((p) => `${p.kind} ${p.id} ${p.version}`);
    return `${before.length ? `Published before the failure: ${before.join(', ')}.\n` : ''}The registry could not be asked what else landed (${error instanceof Error ? error.message : String(error)}).\nfix: when ${client.registry} answers again, rerun the same command: versions already there with the same files are reported unchanged, the rest is published.\n`;
  }
  return `${landed.length ? `Published: ${landed.join(', ')}.\n` : 'Nothing new was published.\n'}${missing.length ? `Not published: ${missing.join(', ')}.\n` : ''}fix: correct the cause above and rerun the same command: what was published is found unchanged, the rest is published.\n`;
}

/** The CLI's last lines without the stack frames of its error (`    at f (file:1:2)`): the message is what helps. */
function withoutStackFrames(text: string): string {
  return text.split('\n').filter((line) => !/^\s+at \S.*:\d+:\d+\)?( \{)?$/.test(line)).slice(-15).join('\n');
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
