import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Compose } from '../../src/engine/compose-program';
import type { Engine } from '../../src/engine/engine';
import type { RunOptions, RunResult } from '../../src/proc';
import { PACKAGE_ROOT } from '../../src/version';
import { tarOf } from './tar-of';

/**
 * A stand-in for the engine seam in unit tests: it answers docker, compose and devcontainer calls from a
 * script, performs the side effects the steps rely on (iidfiles, cidfiles, the applied workspace, the
 * `docker save` stream), and keeps an inventory of what it "created" and what was removed, so a test can
 * prove a run removed exactly what it made. Never used as proof that the pipeline works: the e2e tests do that.
 */
export interface FakeCall {
  tool: 'docker' | 'compose' | 'devcontainer';
  args: string[];
  options: RunOptions;
}

export type FakeAnswer = Partial<Pick<RunResult, 'code' | 'stdout' | 'stderr'>> | undefined;

/** A scripted answer, tried before the default behaviour; undefined falls through. */
export type FakeRule = (call: FakeCall, fake: FakeEngine) => FakeAnswer | Promise<FakeAnswer>;

export class FakeEngine implements Engine {
  readonly client = '/usr/bin/docker';
  readonly serverVersion = 'fake';
  readonly env: NodeJS.ProcessEnv = {};
  readonly startedByUs = false;
  readonly calls: FakeCall[] = [];
  /** Ids this fake engine handed out, by kind, and the ids removed. */
  readonly created = { container: new Set<string>(), image: new Set<string>() };
  readonly removed = { container: new Set<string>(), image: new Set<string>() };
  private counter = 0;
  /** The layers of each image a `docker build` made: a fresh (--no-cache) build gets a new top layer. */
  readonly layersOf = new Map<string, string[]>();
  /** The layers a build from the cache gets: by default those of the last fresh build (everything cached). */
  cachedLayers?: () => string[];

  constructor(
    /** The port a fake app "publishes": a real HTTP server of the test answers there. */
    private readonly appPort: number,
    private readonly rules: FakeRule[] = [],
  ) {}

  newId(kind: 'container' | 'image'): string {
    const id = `${kind === 'image' ? 'sha256:' : ''}${(++this.counter).toString(16).padStart(64, kind === 'image' ? 'a' : 'c')}`;
    this.created[kind].add(id);
    return id;
  }

  docker(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return this.answer({ tool: 'docker', args: [...args], options });
  }

  compose(_tool: Compose, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return this.answer({ tool: 'compose', args: [...args], options });
  }

  devcontainer(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    return this.answer({ tool: 'devcontainer', args: [...args], options });
  }

  /** The calls whose arguments start with these words. */
  find(tool: FakeCall['tool'], ...words: string[]): FakeCall[] {
    return this.calls.filter((c) => c.tool === tool && words.every((w, i) => c.args[i] === w));
  }

  private async answer(call: FakeCall): Promise<RunResult> {
    this.calls.push(call);
    let answer: FakeAnswer;
    for (const rule of this.rules) {
      answer = await rule(call, this);
      if (answer) break;
    }
    answer ??= await this.defaults(call);
    if (call.options.stdoutTo && !answer?.stdout) call.options.stdoutTo.end();
    return { command: `${call.tool} ${call.args.join(' ')}`, code: answer?.code ?? 0, signal: null, stdout: answer?.stdout ?? '', stderr: answer?.stderr ?? '', timedOut: false, durationMs: 1 };
  }

  private async defaults(call: FakeCall): Promise<FakeAnswer> {
    const { args } = call;
    const flag = (name: string) => args[args.indexOf(name) + 1];
    if (call.tool === 'devcontainer') return this.devcontainerDefaults(call);
    const [verb] = args;
    if (verb === 'build') {
      const image = this.newId('image');
      const lastFresh = [...this.layersOf.values()].at(-1) ?? ['l1', 'l2'];
      this.layersOf.set(image, args.includes('--no-cache') ? ['l1', `fresh-${this.counter}`] : (this.cachedLayers?.() ?? lastFresh));
      fs.writeFileSync(flag('--iidfile'), image);
      return { stdout: '' };
    }
    if (verb === 'run') {
      const script = args.join(' ');
      if (args.includes('--detach')) {
        const container = this.newId('container');
        fs.writeFileSync(flag('--cidfile'), container);
        return { stdout: `${container}\n` };
      }
      if (script.includes('platform.python_version')) return { stdout: '3.11.2\n' };
      if (script.includes('checked:')) return { stdout: 'checked:3\n' };
      return { stdout: '' };
    }
    if (verb === 'save') {
      call.options.stdoutTo?.end(await cleanImageArchive());
      return { stdout: '' };
    }
    if (verb === 'rm' || verb === 'rmi') {
      for (const id of args.filter((a) => !a.startsWith('-') && a !== verb)) this.removed[verb === 'rm' ? 'container' : 'image'].add(id);
      return {};
    }
    if (verb === 'port') return { stdout: `127.0.0.1:${this.appPort}\n` };
    if (verb === 'images' || verb === 'ps' || verb === 'network' || verb === 'volume') return { stdout: '' };
    if (verb === 'stop' || verb === 'logs') return {};
    // What a gunicorn app leaves behind: its control files in /tmp only.
    if (verb === 'diff') return { stdout: 'C /tmp\nA /tmp/wgunicorn-x\n' };
    if (verb === 'exec') {
      const script = args.join(' ');
      if (script.includes('platform.python_version')) return { stdout: '3.11.2\n' };
      if (script.includes('Uid:')) return { stdout: '/proc/1/status:Uid:\t10001\t10001\t10001\t10001\n' };
      if (args.includes('-i')) return { stdout: 'ok - the app image checks\n' };
      return { stdout: '' };
    }
    if (verb === 'inspect' || (verb === 'image' && args[1] === 'inspect')) {
      const format = flag('--format');
      if (format.includes('.Id}} {{index .Config.Labels')) return { stdout: 'sha256:base  \n' };
      if (format.includes('org.stagepack.stand-in')) return { stdout: '\n' };
      if (format === '{{.Size}}') return { stdout: '120000000\n' };
      if (format === '{{.Size}} {{json .RootFS.Layers}}') return { stdout: `120000000 ${JSON.stringify(this.layersOf.get(args.at(-1) ?? '') ?? ['l1', 'l2'])}\n` };
      if (format === '{{json .RootFS.Layers}}') return { stdout: args.includes('python:3.11-slim-bookworm') ? '["l1"]\n' : '["l1","l2"]\n' };
      if (format === '{{json .Config.ExposedPorts}}') return { stdout: '{"8000/tcp":{}}\n' };
      if (format === '{{.Image}}') return { stdout: `${DEV_IMAGE}\n` };
      if (format === '{{json .State}}') return { stdout: '{"Status":"running","Health":{"Status":"healthy"}}\n' };
      if (format === '{{.Config.User}}') return { stdout: '10001:10001\n' };
      if (format === '{{.State.ExitCode}}') return { stdout: '0\n' };
      return { stdout: '' };
    }
    return { code: 1, stderr: `fake engine: no answer for docker ${args.join(' ')}` };
  }

  private devcontainerDefaults(call: FakeCall): FakeAnswer {
    const { args } = call;
    const flag = (name: string) => args[args.indexOf(name) + 1];
    if (args[1] === 'publish') {
      const collection = args[args.length - 1];
      const id = fs.readdirSync(collection)[0];
      return { stdout: `${JSON.stringify({ [id]: { version: '1.0.0' } })}\n` };
    }
    if (args[0] === 'templates' && args[1] === 'apply') {
      // What the CLI does, enough for the steps: every file but the metadata, options substituted.
      const id = /\/([^/:]+):[^/]+$/.exec(flag('--template-id'))?.[1] ?? '';
      const options = JSON.parse(flag('--template-args')) as Record<string, string>;
      applyTemplate(path.join(PACKAGE_ROOT, 'templates', id), flag('--workspace-folder'), options);
      return {};
    }
    if (args[0] === 'up') {
      const container = this.newId('container');
      this.created.image.add(DEV_IMAGE);
      const built = this.newId('image');
      return {
        stdout: `${JSON.stringify({ outcome: 'success', containerId: container, remoteUser: 'dev', remoteWorkspaceFolder: '/workspaces/app' })}\n`,
        stderr: `#12 writing image ${built} done\n`,
      };
    }
    if (args[0] === 'exec') return { stdout: 'ok - runs as dev\nok - python is 3.11\n' };
    return { code: 1, stderr: `fake engine: no answer for devcontainer ${args.join(' ')}` };
  }
}

/** What `devcontainer templates apply` does, enough for the steps: every file but the metadata, options substituted. */
export function applyTemplate(from: string, to: string, options: Record<string, string>): void {
  for (const entry of fs.readdirSync(from, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || ['devcontainer-template.json', 'README.md', 'NOTES.md'].includes(entry.name)) continue;
    const source = path.join(entry.parentPath, entry.name);
    const target = path.join(to, path.relative(from, source));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, fs.readFileSync(source, 'utf8').replace(/\$\{templateOption:\s*(\w+?)\s*\}/g, (_m, name: string) => options[name] ?? ''));
  }
}

const DEV_IMAGE = `sha256:${'d'.repeat(64)}`;

let archive: Promise<Buffer> | undefined;

/** A classic `docker save` archive of a clean two-layer image. */
function cleanImageArchive(): Promise<Buffer> {
  archive ??= (async () => tarOf({
    'l1/layer.tar': await tarOf({ 'usr/bin/python3': 'elf' }),
    'l2/layer.tar': await tarOf({ 'app/app.py': 'print(1)' }),
    'cfg.json': JSON.stringify({ history: [{ created_by: 'FROM x' }, { created_by: 'COPY app' }] }),
    'manifest.json': JSON.stringify([{ Config: 'cfg.json', Layers: ['l1/layer.tar', 'l2/layer.tar'] }]),
  }))();
  return archive;
}
