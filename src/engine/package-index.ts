import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ok, run } from '../proc';
import { EngineError, type EngineLog } from './log';

/**
 * Python packages for builds and dev containers when PyPI is out of reach.
 *
 * The machine's pip configuration names local folders: PEP 503 "simple" indexes (file:// URLs) and
 * find-links folders of wheels. We serve them over HTTP on loopback for the length of one command and hand
 * builds a pip.conf pointing at them, as a BuildKit secret (`--secret id=pip.conf`): the templates mount it
 * at /etc/pip.conf for the one RUN that installs, so no address lands in a layer, an ARG or the history.
 * Builds use the host network to reach loopback. With PyPI reachable, none of this happens.
 */

export interface PackageIndex {
  /** Arguments for `docker build` (and devcontainer.json `build.options`); empty when PyPI is used. */
  buildOptions: string[];
  /** Human description for the engine log and reports. */
  description: string;
  close(): Promise<void>;
}

export interface PipSources {
  /** Folders holding a `simple/` PEP 503 index, in pip's order (index-url first). */
  indexRoots: string[];
  /** Folders of wheel files (pip's find-links). */
  findLinks: string[];
}

/** Parses `pip config list` (lines like `global.extra-index-url='file:///a/simple file:///b/simple'`). */
export function parsePipConfig(output: string): PipSources {
  const indexRoots: string[] = [];
  const findLinks: string[] = [];
  const values = (key: string) =>
    output
      .split('\n')
      .map((line) => /^([^=]+)='(.*)'$/.exec(line.trim()))
      .filter((m): m is RegExpExecArray => m !== null && m[1].endsWith(`.${key}`))
      .flatMap((m) => m[2].split(/\s+/).filter(Boolean));
  for (const url of [...values('index-url'), ...values('extra-index-url')]) {
    if (!url.startsWith('file://')) continue;
    const simple = fileURLToPath(url).replace(/\/+$/, '');
    if (path.basename(simple) === 'simple') indexRoots.push(path.dirname(simple));
  }
  for (const entry of values('find-links')) {
    const dir = entry.startsWith('file://') ? fileURLToPath(entry) : entry;
    if (path.isAbsolute(dir)) findLinks.push(dir);
  }
  return { indexRoots: [...new Set(indexRoots)], findLinks: [...new Set(findLinks)] };
}

/** True when PyPI answers within a few seconds (then builds use it directly). */
export function pypiReachable(timeoutMs = 4000): Promise<boolean> {
  return new Promise((resolve) => {
    const request = https.get('https://pypi.org/simple/', { timeout: timeoutMs }, (response) => {
      response.resume();
      resolve((response.statusCode ?? 500) < 500);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

export async function ensurePackageIndex(log: EngineLog, workDir: string): Promise<PackageIndex> {
  if (process.env.STAGEPACK_USE_PYPI !== '0' && (await pypiReachable())) {
    log.step('PyPI answers; builds install from it directly');
    return { buildOptions: [], description: 'PyPI', close: async () => undefined };
  }
  const config = await run('python3', ['-m', 'pip', 'config', 'list'], { timeoutMs: 30_000 });
  const sources = ok(config) ? parsePipConfig(config.stdout) : { indexRoots: [], findLinks: [] };
  const roots = sources.indexRoots.filter((root) => fs.existsSync(path.join(root, 'simple')));
  if (!roots.length) {
    throw new EngineError(
      'PyPI is unreachable and the pip configuration names no local index (a file:// URL ending in /simple).',
      'Give builds a package index: make PyPI reachable, or point pip\'s index-url/extra-index-url at a local PEP 503 folder.',
    );
  }
  const server = await serveIndex(roots, sources.findLinks.filter((d) => fs.existsSync(d)));
  const port = (server.address() as { port: number }).port;
  const urls = roots.map((_root, i) => `http://127.0.0.1:${port}/${i}/simple/`);
  const pipConf = path.join(workDir, 'pip.conf');
  fs.writeFileSync(
    pipConf,
    [
      '# Written by stagepack for one run: the local wheel mirror served on loopback.',
      '[global]',
      `index-url = ${urls[0]}`,
      ...(urls.length > 1 ? [`extra-index-url = ${urls.slice(1).join(' ')}`] : []),
      ...(sources.findLinks.length ? [`find-links = http://127.0.0.1:${port}/links/`] : []),
      'trusted-host = 127.0.0.1',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  log.step(`PyPI is unreachable; serving the local index (${roots.join(', ')}) on http://127.0.0.1:${port} for this run`);
  return {
    buildOptions: ['--network', 'host', '--secret', `id=pip.conf,src=${pipConf}`],
    description: `local mirror ${roots.join(', ')} on 127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * A static file server for the index folders: `/N/...` serves root N; `/links/` lists the find-links wheels.
 * Paths are resolved and checked to stay inside their root.
 */
export function serveIndex(roots: readonly string[], findLinks: readonly string[]): Promise<http.Server> {
  const server = http.createServer((request, response) => {
    const url = decodeURIComponent((request.url ?? '/').split('?')[0]);
    if (url === '/links/' || url === '/links') {
      const wheels = findLinks.flatMap((dir, i) => fs.readdirSync(dir).filter((f) => f.endsWith('.whl')).map((f) => `<a href="/links/${i}/${encodeURIComponent(f)}">${f}</a>`));
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(`<!DOCTYPE html><html><body>\n${wheels.join('<br>\n')}\n</body></html>\n`);
      return;
    }
    const match = /^\/(links\/)?(\d+)(\/.*)$/.exec(url);
    const base = match ? (match[1] ? findLinks : roots)[Number(match[2])] : undefined;
    if (!match || base === undefined) return notFound(response);
    const file = path.resolve(base, `.${match[3]}`);
    if (file !== base && !file.startsWith(base + path.sep)) return notFound(response);
    let target = file;
    try {
      if (fs.statSync(file).isDirectory()) target = path.join(file, 'index.html');
      const stat = fs.statSync(target);
      response.writeHead(200, { 'content-type': target.endsWith('.html') ? 'text/html' : 'application/octet-stream', 'content-length': stat.size });
      if (request.method === 'HEAD') return response.end();
      fs.createReadStream(target).pipe(response);
    } catch {
      notFound(response);
    }
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function notFound(response: http.ServerResponse): void {
  response.writeHead(404, { 'content-type': 'text/plain' });
  response.end('not found\n');
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
