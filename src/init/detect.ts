import * as path from 'node:path';
// smol-toml ships CommonJS (dist/index.cjs) but only ESM typings, so TypeScript is told the types apart.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse: parseToml } = require('smol-toml') as { parse(text: string): unknown };

/**
 * What a Python project is, read from its files as they are: the first step of `stagepack init`, which
 * adopts a project without rearranging it. Pure: it is given the project's text files by relative path (the
 * caller reads them, skipping virtual environments, caches and VCS folders) and says what it found and why,
 * so that the plan printed to the user can give its reasons and a test can give any layout.
 *
 * Every finding carries `from`: the file (and what in it) that says so. Where the project does not say, the
 * field is absent; nothing is guessed.
 */
export interface Finding<T> {
  value: T;
  /** The file, and what in it, that says so: "manage.py (DJANGO_SETTINGS_MODULE)". */
  from: string;
}

export type Framework =
  /** `module:variable` or `module:factory()`, importable from `sourceDir`. */
  | { kind: 'flask'; app: string }
  /** `staticRoot`: the settings set STATIC_ROOT, so static files are collected into the image at build time. */
  | { kind: 'django'; project: string; settings: string; staticRoot: boolean }
  | { kind: 'fastapi'; app: string }
  | { kind: 'streamlit'; script: string };

export type Packaging =
  | { kind: 'requirements'; files: string[] }
  | { kind: 'pyproject'; backend?: string; groups: string[] }
  | { kind: 'pipenv'; locked: boolean }
  /** `installable`: pyproject.toml declares the project ([project], or [tool.poetry] with poetry-core), so pip can install it without the tool. */
  | { kind: 'poetry'; installable: boolean }
  | { kind: 'uv'; installable: boolean };

export interface ProjectFacts {
  frameworks: Finding<Framework>[];
  packaging?: Finding<Packaging>;
  /** Where the importable code is, relative to the project root: "." or "src" (a folder holding the package). */
  sourceDir: Finding<string>;
  pythonVersion?: Finding<string>;
  procfile?: { web?: string; release?: string };
  healthPath?: Finding<string>;
  /** Dependencies the project names (lower-case, normalised), from whichever packaging file it has. */
  dependencies: string[];
}

export function detectProject(files: ReadonlyMap<string, string>): ProjectFacts {
  const python = [...files.keys()].filter((p) => p.endsWith('.py')).sort(byDepthThenName);
  const sourceDir = detectSourceDir(files, python);
  const strip = (p: string) => (sourceDir.value === '.' ? p : p.slice(sourceDir.value.length + 1));
  const inSource = python.filter((p) => sourceDir.value === '.' || p.startsWith(`${sourceDir.value}/`));
  const pyproject = parseTomlFile(files.get('pyproject.toml'));
  const pipfile = parseTomlFile(files.get('Pipfile'));
  return {
    frameworks: detectFrameworks(files, inSource, strip),
    packaging: detectPackaging(files, pyproject),
    sourceDir,
    pythonVersion: detectPythonVersion(files, pyproject, pipfile),
    procfile: detectProcfile(files.get('Procfile')),
    healthPath: detectHealthPath(files, inSource),
    dependencies: detectDependencies(files, pyproject, pipfile),
  };
}

function byDepthThenName(a: string, b: string): number {
  return a.split('/').length - b.split('/').length || (a < b ? -1 : a > b ? 1 : 0);
}

function parseTomlFile(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** `src/` when the code lives there (the src layout), else the root. */
function detectSourceDir(files: ReadonlyMap<string, string>, python: readonly string[]): Finding<string> {
  const inSrc = python.filter((p) => p.startsWith('src/'));
  const atRoot = python.filter((p) => !p.includes('/') && p !== 'setup.py' && p !== 'manage.py' && p !== 'conftest.py');
  if (inSrc.length && !atRoot.length) return { value: 'src', from: `${inSrc.length} Python file(s) under src/, none at the root` };
  if (files.has('src/manage.py')) return { value: 'src', from: 'src/manage.py' };
  return { value: '.', from: atRoot.length ? `Python files at the root (${atRoot.slice(0, 3).join(', ')})` : 'no src/ folder' };
}

/** `a/b/c.py` -> `a.b.c` (a package's `__init__.py` -> the package). */
function moduleOf(relPath: string): string {
  return relPath.replace(/\.py$/, '').replace(/\/__init__$/, '').split('/').join('.');
}

const ASSIGN_FLASK = /^(\w+)\s*(?::\s*\w+\s*)?=\s*(?:flask\.)?Flask\(/m;
const FACTORY = /^def\s+(create_app|make_app|app_factory)\s*\(/m;
const ASSIGN_FASTAPI = /^(\w+)\s*(?::\s*\w+\s*)?=\s*(?:fastapi\.)?FastAPI\(/m;

function detectFrameworks(files: ReadonlyMap<string, string>, python: readonly string[], strip: (p: string) => string): Finding<Framework>[] {
  const found: Finding<Framework>[] = [];
  const manage = ['manage.py', 'src/manage.py'].find((p) => files.has(p));
  if (manage) {
    const settings = /DJANGO_SETTINGS_MODULE["']\s*,\s*["']([\w.]+)["']/.exec(files.get(manage) ?? '')?.[1];
    if (settings) {
      const base = manage.includes('/') ? `${path.posix.dirname(manage)}/` : '';
      const settingsText = files.get(`${base}${settings.replace(/\./g, '/')}.py`) ?? files.get(`${base}${settings.replace(/\./g, '/')}/__init__.py`) ?? '';
      found.push({ value: { kind: 'django', project: settings.split('.')[0], settings, staticRoot: /^\s*STATIC_ROOT\s*=/m.test(settingsText) }, from: `${manage} (DJANGO_SETTINGS_MODULE=${settings})` });
    }
  }
  for (const file of python) {
    const text = files.get(file) ?? '';
    if (/^\s*(from\s+flask\s+import|import\s+flask)\b/m.test(text)) {
      const variable = ASSIGN_FLASK.exec(text)?.[1];
      const factory = FACTORY.exec(text)?.[1];
      // A factory is what a production server must call; a module-level app object is served as is.
      if (factory) found.push({ value: { kind: 'flask', app: `${moduleOf(strip(file))}:${factory}()` }, from: `${file} (def ${factory})` });
      else if (variable) found.push({ value: { kind: 'flask', app: `${moduleOf(strip(file))}:${variable}` }, from: `${file} (${variable} = Flask(...))` });
    }
    const fastapi = /^\s*(from\s+fastapi\s+import|import\s+fastapi)\b/m.test(text) ? ASSIGN_FASTAPI.exec(text)?.[1] : undefined;
    if (fastapi) found.push({ value: { kind: 'fastapi', app: `${moduleOf(strip(file))}:${fastapi}` }, from: `${file} (${fastapi} = FastAPI(...))` });
    if (/^\s*import\s+streamlit\b/m.test(text) && /\bst\.(title|write|header|markdown)\(/.test(text)) {
      found.push({ value: { kind: 'streamlit', script: file }, from: `${file} (import streamlit)` });
    }
  }
  return found;
}

function detectPackaging(files: ReadonlyMap<string, string>, pyproject: Record<string, unknown> | undefined): Finding<Packaging> | undefined {
  if (files.has('Pipfile')) return { value: { kind: 'pipenv', locked: files.has('Pipfile.lock') }, from: files.has('Pipfile.lock') ? 'Pipfile and Pipfile.lock' : 'Pipfile (no Pipfile.lock)' };
  const project = record(pyproject?.project);
  const backend = record(pyproject?.['build-system'])?.['build-backend'];
  if (files.has('poetry.lock')) return { value: { kind: 'poetry', installable: Boolean(project || (record(record(pyproject?.tool)?.poetry) && typeof backend === 'string')) }, from: 'poetry.lock' };
  if (files.has('uv.lock')) return { value: { kind: 'uv', installable: Boolean(project) }, from: 'uv.lock' };
  if (project) {
    const groups = Object.keys(record(pyproject?.['dependency-groups']) ?? {}).concat(Object.keys(record(project['optional-dependencies']) ?? {}));
    return { value: { kind: 'pyproject', ...(typeof backend === 'string' ? { backend } : {}), groups }, from: `pyproject.toml ([project]${typeof backend === 'string' ? `, build-backend ${backend}` : ''})` };
  }
  const requirements = [...files.keys()].filter((p) => /^requirements[\w.-]*\.txt$/.test(p) || /^requirements\/[\w.-]+\.txt$/.test(p)).sort();
  if (requirements.length) return { value: { kind: 'requirements', files: requirements }, from: requirements.join(', ') };
  return undefined;
}

function detectPythonVersion(files: ReadonlyMap<string, string>, pyproject: Record<string, unknown> | undefined, pipfile: Record<string, unknown> | undefined): Finding<string> | undefined {
  const pinned = /^\s*(?:python-|cpython-)?(3\.\d+)/.exec(files.get('.python-version') ?? '')?.[1];
  if (pinned) return { value: pinned, from: '.python-version' };
  const pipfileVersion = record(pipfile?.requires)?.python_version;
  if (typeof pipfileVersion === 'string' && /^3\.\d+/.test(pipfileVersion)) return { value: /^3\.\d+/.exec(pipfileVersion)?.[0] ?? pipfileVersion, from: 'Pipfile ([requires] python_version)' };
  const runtime = /^\s*python-(3\.\d+)/.exec(files.get('runtime.txt') ?? '')?.[1];
  if (runtime) return { value: runtime, from: 'runtime.txt' };
  const requires = record(pyproject?.project)?.['requires-python'];
  const lower = typeof requires === 'string' ? /(?:>=|~=|==)\s*(3\.\d+)/.exec(requires)?.[1] : undefined;
  if (lower) return { value: lower, from: `pyproject.toml (requires-python "${String(requires)}")` };
  return undefined;
}

function detectProcfile(text: string | undefined): ProjectFacts['procfile'] {
  if (text === undefined) return undefined;
  const result: NonNullable<ProjectFacts['procfile']> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^(web|release)\s*:\s*(.+)$/.exec(line.trim());
    if (match) result[match[1] as 'web' | 'release'] = match[2].trim();
  }
  return result;
}

const HEALTH = /^\/?(healthz|health|livez|readyz|ping|status)\/?$/;

function detectHealthPath(files: ReadonlyMap<string, string>, python: readonly string[]): Finding<string> | undefined {
  for (const file of python) {
    const text = files.get(file) ?? '';
    // Flask/FastAPI decorators and Django's path()/re_path() with a health-like route.
    for (const match of text.matchAll(/@\w+\.(?:route|get)\(\s*["']([^"']+)["']|\b(?:re_)?path\(\s*r?["']\^?([^"'$]*)\$?["']/g)) {
      const route = match[1] ?? match[2] ?? '';
      if (HEALTH.test(route)) return { value: route.startsWith('/') ? route : `/${route}`, from: `${file} (route ${route})` };
    }
  }
  return undefined;
}

/** PEP 503 normalised names: `Flask_SQLAlchemy` and `flask-sqlalchemy` are one project. */
function normalise(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function requirementName(line: string): string | undefined {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line.replace(/#.*/, ''));
  return match && !line.trim().startsWith('-') ? normalise(match[1]) : undefined;
}

function detectDependencies(files: ReadonlyMap<string, string>, pyproject: Record<string, unknown> | undefined, pipfile: Record<string, unknown> | undefined): string[] {
  const names = new Set<string>();
  for (const [file, text] of files) {
    if (/^requirements[\w.-]*\.txt$/.test(file)) for (const line of text.split(/\r?\n/)) {
      const name = requirementName(line);
      if (name) names.add(name);
    }
  }
  const project = record(pyproject?.project);
  for (const dep of Array.isArray(project?.dependencies) ? project.dependencies : []) {
    const name = typeof dep === 'string' ? requirementName(dep) : undefined;
    if (name) names.add(name);
  }
  const poetry = record(record(pyproject?.tool)?.poetry);
  for (const name of Object.keys(record(poetry?.dependencies) ?? {})) if (name !== 'python') names.add(normalise(name));
  for (const name of Object.keys(record(pipfile?.packages) ?? {})) names.add(normalise(name));
  return [...names].sort();
}
