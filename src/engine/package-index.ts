import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import send from 'send';
import { ok, run } from '../proc';
import { EngineError, type EngineLog } from './log';
import { stateDir } from './state';

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
  /** True when builds install from PyPI itself (nothing is served then). */
  pypi: boolean;
  /**
   * `http://ADDRESS:PORT` of the index on the Docker bridge, when it is served there; what containers off
   * the host network use, and what the preflight probe proves before any run relies on it.
   */
  bridgeUrl?: string;
  /** Arguments for `docker build` (and devcontainer.json `build.options`); empty when PyPI is used. */
  buildOptions: string[];
  /**
   * pip and pipenv settings for containers on a bridge network (a dev container's lifecycle commands,
   * `devcontainer features test` builds): the same index, served on the Docker bridge's gateway address.
   * Empty when PyPI is used, or when the engine has no bridge gateway.
   */
  containerEnv: Record<string, string>;
  /**
   * A pip.conf naming the index on the bridge gateway, for builds that cannot use the host network (Docker
   * Compose's, whose `secrets` hand it to BuildKit as `pip.conf`). Absent when PyPI is used or no bridge.
   */
  bridgePipConf?: string;
  /**
   * Whether builds can install this distribution: always with PyPI; with the local mirror, when one of its
   * indexes has a project page for it or a find-links folder a file of it.
   */
  has(name: string): boolean;
  /**
   * The file names the local mirror holds of a distribution (wheels and sdists, from its simple/ pages and
   * find-links folders); undefined when builds use PyPI, where no such list is known.
   */
  filesOf?(name: string): string[];
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

/**
 * Source distributions the local mirror lacks but Debian's archive carries unchanged: Debian's
 * `<name>_<version>.orig.tar.gz` is the upstream release tarball (with its PKG-INFO), so pip builds it as the
 * sdist `<name>-<version>.tar.gz` exactly as it would from PyPI. The SHA-256 is the one in Debian's .dsc.
 * With these, a template can pin `uwsgi==2.0.21` and still be built here.
 */
export const DEBIAN_SDISTS: readonly { name: string; version: string; url: string; sha256: string }[] = [
  {
    name: 'uwsgi',
    version: '2.0.21',
    url: 'https://deb.debian.org/debian/pool/main/u/uwsgi/uwsgi_2.0.21.orig.tar.gz',
    sha256: '35a30d83791329429bc04fe44183ce4ab512fcf6968070a7bfba42fc5a0552a9',
  },
];

/** Downloads (once, into the state folder) and verifies the DEBIAN_SDISTS; returns the folder, or undefined. */
async function debianSdists(log: EngineLog): Promise<string | undefined> {
  const dir = path.join(stateDir(), 'sdists');
  fs.mkdirSync(dir, { recursive: true });
  for (const sdist of DEBIAN_SDISTS) {
    const file = path.join(dir, `${sdist.name}-${sdist.version}.tar.gz`);
    if (fs.existsSync(file) && sha256Of(file) === sdist.sha256) continue;
    log.step(`Fetching ${sdist.name} ${sdist.version}'s source from Debian's archive (${sdist.url}), which the local mirror lacks`);
    try {
      const body = await download(sdist.url);
      const digest = createHash('sha256').update(body).digest('hex');
      if (digest !== sdist.sha256) throw new Error(`SHA-256 ${digest}, expected ${sdist.sha256}`);
      fs.writeFileSync(`${file}.part`, body);
      fs.renameSync(`${file}.part`, file);
    } catch (error) {
      log.step(`Could not fetch ${sdist.url}: ${(error as Error).message}; builds that need ${sdist.name} will fail`);
    }
  }
  return dir;
}

function sha256Of(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function download(url: string, redirects = 3): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { timeout: 60_000 }, (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && response.headers.location && redirects > 0) {
          response.resume();
          resolve(download(new URL(response.headers.location, url).toString(), redirects - 1));
          return;
        }
        if (status !== 200) {
          response.resume();
          reject(new Error(`HTTP ${status}`));
          return;
        }
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve(Buffer.concat(chunks)));
        response.on('error', reject);
      })
      .on('timeout', function (this: import('node:http').ClientRequest) {
        this.destroy(new Error('timed out'));
      })
      .on('error', reject);
  });
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

/**
 * @param bridgeAddress this host's address on the Docker bridge (see ./bridge):
 *   the index is served there too, for containers that do not run on the host network. Containers on any
 *   bridge network reach it, as it is an address of the host itself.
 */
export async function ensurePackageIndex(log: EngineLog, workDir: string, bridgeAddress?: string): Promise<PackageIndex> {
  if (process.env.STAGEPACK_USE_PYPI !== '0' && (await pypiReachable())) {
    log.step('PyPI answers; builds install from it directly');
    return { pypi: true, buildOptions: [], containerEnv: {}, has: () => true, description: 'PyPI', close: async () => undefined };
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
  const sdists = await debianSdists(log);
  const findLinks = [...sources.findLinks, ...(sdists ? [sdists] : [])].filter((d) => fs.existsSync(d));
  const server = await serveIndex(roots, findLinks);
  const port = (server.address() as { port: number }).port;
  const servers = [server];
  let containerEnv: Record<string, string> = {};
  if (bridgeAddress) {
    try {
      const bridged = await serveIndex(roots, findLinks, bridgeAddress, port);
      servers.push(bridged);
      containerEnv = indexEnv(`http://${bridgeAddress}:${port}`, roots.length, findLinks.length > 0);
    } catch (error) {
      log.step(`Could not also serve the index on the Docker bridge (${bridgeAddress}:${port}: ${(error as Error).message}); containers off the host network will not reach it`);
    }
  }
  const pipConf = path.join(workDir, 'pip.conf');
  fs.writeFileSync(pipConf, pipConfText('the local wheel mirror served on loopback', indexEnv(`http://127.0.0.1:${port}`, roots.length, findLinks.length > 0)), { mode: 0o600 });
  let bridgePipConf: string | undefined;
  if (containerEnv.PIP_INDEX_URL) {
    bridgePipConf = path.join(workDir, 'pip-bridge.conf');
    fs.writeFileSync(bridgePipConf, pipConfText('the local wheel mirror served on the Docker bridge', containerEnv), { mode: 0o600 });
  }
  const where = [`http://127.0.0.1:${port}`, ...(servers.length > 1 ? [`http://${bridgeAddress}:${port} (Docker bridge)`] : [])].join(' and ');
  log.step(`PyPI is unreachable; serving the local index (${roots.join(', ')}) on ${where} for this run`);
  return {
    pypi: false,
    bridgeUrl: containerEnv.PIP_INDEX_URL ? `http://${bridgeAddress}:${port}` : undefined,
    buildOptions: ['--network', 'host', '--secret', `id=pip.conf,src=${pipConf}`],
    containerEnv,
    bridgePipConf,
    has: (name) => mirrorHas(roots, findLinks, name),
    filesOf: (name) => mirrorFiles(roots, findLinks, name),
    description: `local mirror ${roots.join(', ')} on ${where}`,
    close: () => Promise.all(servers.map((s) => new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    }))).then(() => undefined),
  };
}

/** PEP 503's normalised project name: lower case, runs of `-`, `_` and `.` as one `-`. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** A distribution in the mirror: a `simple/<name>/` page in an index root, or a wheel/sdist in a find-links folder. */
export function mirrorHas(roots: readonly string[], findLinks: readonly string[], name: string): boolean {
  const normalized = normalizeName(name);
  if (roots.some((root) => fs.existsSync(path.join(root, 'simple', normalized)))) return true;
  // File names start with the name, `-` written as `_` in wheels; the version follows the next `-`.
  return findLinks.some((dir) => fs.readdirSync(dir).some((file) => normalizeName(file.split('-')[0]) === normalized));
}

/** The file names of a distribution in the mirror: the links of its simple/ pages and its files in find-links folders. */
export function mirrorFiles(roots: readonly string[], findLinks: readonly string[], name: string): string[] {
  const normalized = normalizeName(name);
  const files = new Set<string>();
  for (const root of roots) {
    const page = path.join(root, 'simple', normalized, 'index.html');
    if (!fs.existsSync(page)) continue;
    for (const match of fs.readFileSync(page, 'utf8').matchAll(/<a\b[^>]*>([^<]+)<\/a>/g)) files.add(match[1].trim());
  }
  for (const dir of findLinks) for (const file of fs.readdirSync(dir)) if (normalizeName(file.split('-')[0]) === normalized) files.add(file);
  return [...files].sort();
}

/**
 * The environment that points pip and pipenv at the index served at `base`: pip reads PIP_* variables as
 * its configuration; pipenv swaps PyPI in a Pipfile's sources for PIPENV_PYPI_MIRROR.
 */
export function indexEnv(base: string, roots: number, findLinks: boolean): Record<string, string> {
  const urls = Array.from({ length: roots }, (_v, i) => `${base}/${i}/simple/`);
  return {
    PIP_INDEX_URL: urls[0],
    ...(urls.length > 1 ? { PIP_EXTRA_INDEX_URL: urls.slice(1).join(' ') } : {}),
    ...(findLinks ? { PIP_FIND_LINKS: `${base}/links/` } : {}),
    PIP_TRUSTED_HOST: new URL(base).hostname,
    PIPENV_PYPI_MIRROR: urls[0],
  };
}

/** A pip.conf with the settings of `indexEnv` (pip's PIP_* variables are its config keys, upper-cased). */
export function pipConfText(what: string, env: Readonly<Record<string, string>>): string {
  const keys: [string, string][] = [['index-url', 'PIP_INDEX_URL'], ['extra-index-url', 'PIP_EXTRA_INDEX_URL'], ['find-links', 'PIP_FIND_LINKS'], ['trusted-host', 'PIP_TRUSTED_HOST']];
  const lines = keys.filter(([, variable]) => env[variable]).map(([key, variable]) => `${key} = ${env[variable]}`);
  return [`# Written by stagepack for one run: ${what}.`, '[global]', ...lines, ''].join('\n');
}

/**
 * The index server. Containers on the Docker bridge reach it, so every request is treated as hostile: only
 * GET and HEAD, routed to one of the configured roots (`/N/...` an index root, `/links/N/...` a find-links
 * folder, `/links/` their listing), and the file itself served by `send` (the static file server under
 * Express), which refuses malformed percent-encoding (400), NUL bytes (400), `..` segments (403) and dot
 * files (403), and handles HEAD, ranges and conditional requests. A file whose real path (symbolic links
 * resolved) leaves its root is refused as not found. Headers past 16 KiB are refused by Node (431); a
 * malformed request line gets 400; nothing a client sends ends the process.
 */
export function serveIndex(roots: readonly string[], findLinks: readonly string[], host = '127.0.0.1', port = 0): Promise<http.Server> {
  const realRoots = roots.map((r) => fs.realpathSync(r));
  const realLinks = findLinks.map((r) => fs.realpathSync(r));
  const server = http.createServer({ maxHeaderSize: 16 * 1024, requestTimeout: 60_000, headersTimeout: 20_000 }, (request, response) => {
    try {
      handleIndexRequest(request, response, realRoots, realLinks);
    } catch {
      // A bug of ours must not end the server: answer 500 if still possible.
      if (!response.headersSent) respond(response, 500, 'internal error\n');
      else response.destroy();
    }
  });
  // A request that is not HTTP at all: answer 400 when the socket still can, and drop it.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.removeListener('error', reject);
      server.on('error', () => undefined);
      resolve(server);
    });
  });
}

function handleIndexRequest(request: http.IncomingMessage, response: http.ServerResponse, roots: readonly string[], findLinks: readonly string[]): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.setHeader('Allow', 'GET, HEAD');
    return respond(response, 405, 'method not allowed\n');
  }
  // The raw, still percent-encoded path: routing never decodes; `send` decodes (and refuses) the rest.
  const rawPath = (request.url ?? '/').split('?')[0];
  if (rawPath === '/links/' || rawPath === '/links') {
    const wheels = findLinks.flatMap((dir, i) =>
      fs.readdirSync(dir).filter((f) => f.endsWith('.whl') || f.endsWith('.tar.gz')).map((f) => `<a href="/links/${i}/${encodeURIComponent(f)}">${escapeHtml(f)}</a>`),
    );
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    return void response.end(request.method === 'HEAD' ? undefined : `<!DOCTYPE html><html><body>\n${wheels.join('<br>\n')}\n</body></html>\n`);
  }
  const match = /^\/(links\/)?(\d{1,4})(\/.*)$/.exec(rawPath);
  const root = match ? (match[1] ? findLinks : roots)[Number(match[2])] : undefined;
  if (!match || root === undefined) return respond(response, 404, 'not found\n');
  const stream = send(request, match[3], { root, dotfiles: 'deny', index: ['index.html'], etag: true, lastModified: true });
  stream.on('file', (file: string) => {
    // Symbolic links inside the mirror may stay inside it; none may lead out of it.
    const real = fs.realpathSync(file);
    if (real !== root && !real.startsWith(root + path.sep)) {
      respond(response, 404, 'not found\n');
    }
  });
  // A folder asked for without its slash: send's own redirect would drop our `/N` prefix.
  stream.on('directory', () => {
    response.writeHead(301, { location: `${rawPath}/`, 'content-length': 0 });
    response.end();
  });
  stream.on('error', (error: { status?: number; statusCode?: number }) => {
    if (response.headersSent) return void response.end();
    const status = error.status ?? error.statusCode ?? 500;
    respond(response, status === 404 || status === 403 || status === 400 || status === 412 || status === 416 ? status : 500, `${http.STATUS_CODES[status] ?? 'error'}\n`);
  });
  stream.pipe(response);
}

function respond(response: http.ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
