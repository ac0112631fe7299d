import { scalarText, setOwn } from '../jsonc';
import type { TemplateOptionSpec } from '../template-options';
import type { Finding, Framework, ProjectFacts } from './detect';

/**
 * The second step of `stagepack init`: from what the project is (detect.ts) to which template to apply with
 * which option values, each with its reason, and what stands in the way. Pure, so that every decision is
 * unit-tested and the printed plan is the one applied.
 */

/** A template of the pack as init sees it: its id, keywords (the framework it serves) and options. */
export interface TemplateChoice {
  id: string;
  keywords: readonly string[];
  options: Readonly<Record<string, TemplateOptionSpec>>;
}

/**
 * What the pack's templates expect of a project's layout where no option adapts them (the Dockerfile COPYs
 * these): a template not listed here (another pack's) is applied without this check. A template with a
 * `sourceDir` option takes the project's code where it is; one with a `dependencies` option takes
 * requirements.txt or pyproject.toml; one with a `serverPackage` option installs the server itself.
 */
export const LAYOUT: Readonly<Record<string, { packaging: readonly string[]; sourceDir?: string; server?: string; database?: 'postgresql' }>> = {
  'flask-gunicorn': { packaging: ['requirements', 'pyproject', 'uv', 'poetry'] },
  'flask-uwsgi': { packaging: ['requirements'], sourceDir: 'src', server: 'uwsgi' },
  'flask-uwsgi-postgres': { packaging: ['requirements'], sourceDir: 'src', server: 'uwsgi' },
  'fastapi-gunicorn': { packaging: ['requirements', 'pyproject', 'uv', 'poetry'] },
  django: { packaging: ['requirements'] },
  // The compose projects with PostgreSQL beside the dev container: chosen when the project lists its driver.
  'django-postgres': { packaging: ['requirements'], database: 'postgresql' },
  'fastapi-postgres': { packaging: ['requirements'], database: 'postgresql' },
  'streamlit-pipenv': { packaging: ['pipenv'] },
};

/** The option that names the entry point, by framework. */
const ENTRY_OPTION: Readonly<Record<Framework['kind'], string>> = { flask: 'wsgiApp', fastapi: 'asgiApp', django: 'djangoProject', streamlit: 'appScript' };

export interface InitPlan {
  template: string;
  options: Record<string, string>;
  /** One line per decision: "wsgiApp=notes:create_app() (notes/__init__.py (def create_app))". */
  reasons: string[];
  /** What would make the result fail: init stops (exit 1) and prints each with its fix. */
  problems: { problem: string; fix: string }[];
  /** What the user should know but does not stop init. */
  notes: string[];
}

export interface PlanInput {
  facts: ProjectFacts;
  templates: readonly TemplateChoice[];
  /** `--template ID`: the user's choice over the detected one. */
  template?: string;
  /** `--option name=value`: the user's values over the detected (and recorded) ones. */
  options: Readonly<Record<string, string>>;
  /** The answers a previous init recorded in the project: over the detected values, under --option. */
  recorded?: Readonly<Record<string, string>>;
}

export function planInit(input: PlanInput): InitPlan | { problem: string; fix: string } {
  const { facts } = input;
  const framework = facts.frameworks[0];
  const template = input.template !== undefined ? input.templates.find((t) => t.id === input.template) : framework && templateFor(framework, facts, input.templates);
  if (!template) {
    if (input.template !== undefined) return { problem: `the pack has no template "${input.template}"`, fix: `choose one of: ${input.templates.map((t) => t.id).join(', ')}` };
    if (!framework) return { problem: 'no Flask, Django, FastAPI or Streamlit application was found in the project', fix: `name the template with --template ID (${input.templates.map((t) => t.id).join(', ')}) and its entry point with --option` };
    return { problem: `no template of the pack serves ${framework.value.kind} (${framework.from})`, fix: 'name one with --template ID' };
  }
  const options: Record<string, string> = {};
  const reasons: string[] = [];
  const notes: string[] = [];
  const problems: InitPlan['problems'] = [];
  const choose = (name: string, value: string, why: string) => {
    if (!Object.prototype.hasOwnProperty.call(template.options, name)) return;
    const allowed = Array.isArray(template.options[name].enum) ? (template.options[name].enum as unknown[]).map((v) => scalarText(v)) : undefined;
    if (allowed && !allowed.includes(value)) {
      notes.push(`${name}: the project says ${value} (${why}), which ${template.id} does not offer (${allowed.join(', ')}); its default is kept`);
      return;
    }
    setOwn(options, name, value);
    reasons.push(`${name}=${value} (${why})`);
  };

  reasons.push(`template ${template.id} (${input.template !== undefined ? '--template' : framework ? `${framework.value.kind}: ${framework.from}` : ''})`);
  if (framework && facts.frameworks.length > 1) notes.push(`more than one application was found (${facts.frameworks.map((f) => f.from).join('; ')}); the first is used`);
  if (framework) {
    const entry = ENTRY_OPTION[framework.value.kind];
    const value = framework.value.kind === 'django' ? framework.value.project : framework.value.kind === 'streamlit' ? framework.value.script : framework.value.app;
    if (entry && value) choose(entry, value, framework.from);
    if (framework.value.kind === 'django' && framework.value.staticRoot) choose('collectStatic', 'true', `${framework.value.settings} sets STATIC_ROOT`);
  }
  if (facts.pythonVersion) choose('pythonVersion', facts.pythonVersion.value, facts.pythonVersion.from);
  if (facts.sourceDir.value !== (scalarText(template.options.sourceDir?.default) ?? 'src')) choose('sourceDir', facts.sourceDir.value, facts.sourceDir.from);
  const packaging = facts.packaging?.value;
  if (packaging?.kind === 'pyproject') choose('dependencies', 'pyproject.toml', facts.packaging?.from ?? 'pyproject.toml');
  if ((packaging?.kind === 'uv' || packaging?.kind === 'poetry') && packaging.installable && Object.prototype.hasOwnProperty.call(template.options, 'dependencies')) {
    choose('dependencies', 'pyproject.toml', `${facts.packaging?.from}, with pyproject.toml`);
    notes.push(`${packaging.kind === 'uv' ? 'uv.lock' : 'poetry.lock'} is not read (${packaging.kind} is not part of the image build): pip installs the ranges of pyproject.toml. For exactly the locked versions, export them (${packaging.kind === 'uv' ? 'uv export --no-hashes -o requirements.txt' : 'poetry export -f requirements.txt -o requirements.txt'}) and run init with --option dependencies=requirements.txt`);
  }
  if (facts.healthPath) choose('healthCheckPath', facts.healthPath.value, facts.healthPath.from);
  else if (Object.prototype.hasOwnProperty.call(template.options, 'healthCheckPath')) {
    choose('healthCheckPath', '/', 'no health route found in the code: the HEALTHCHECK requests the root page');
    notes.push('add a cheap health route (such as /healthz, answering 200 without touching the database) and set it with --option healthCheckPath=/healthz');
  }
  for (const [name, value] of Object.entries(input.recorded ?? {})) {
    // An answer for an option the template no longer has is dropped, saying so.
    if (!Object.prototype.hasOwnProperty.call(template.options, name)) notes.push(`the recorded answer ${name}=${value} is dropped: ${template.id} has no option "${name}" now`);
    else if (!Object.prototype.hasOwnProperty.call(input.options, name)) {
      setOwn(options, name, value);
      reasons.push(`${name}=${value} (recorded)`);
    }
  }
  for (const [name, value] of Object.entries(input.options)) {
    if (!Object.prototype.hasOwnProperty.call(template.options, name)) return { problem: `--option ${name}: ${template.id} has no option "${name}"`, fix: `its options: ${Object.keys(template.options).join(', ') || 'none'}` };
    setOwn(options, name, value);
    reasons.push(`${name}=${value} (--option)`);
  }

  const release = facts.procfile?.release;
  if (release && /\bmigrate\b/.test(release)) {
    notes.push(`the Procfile's release step runs migrations (${release}): the app image does not run them when it starts; run them once per deployment, before the new version serves (docker run --rm IMAGE python manage.py migrate --noinput), as the template's NOTES.md explains`);
  }
  if (release && /\bcollectstatic\b/.test(release) && options.collectStatic === 'true') notes.push('collectstatic from the Procfile\'s release step runs at build time instead (collectStatic=true): the image ships STATIC_ROOT');
  const layout = LAYOUT[template.id];
  if (layout) problems.push(...layoutProblems(template.id, layout, facts));
  else notes.push(`${template.id} is not one of stagepack's own templates: its expectations of the project's layout are not checked`);
  return { template: template.id, options, reasons, problems, notes };
}

function templateFor(framework: Finding<Framework>, facts: ProjectFacts, templates: readonly TemplateChoice[]): TemplateChoice | undefined {
  const serving = templates.filter((t) => t.keywords.includes(framework.value.kind) || t.id.split('-').includes(framework.value.kind));
  // The one whose packaging fits the project, then the one whose server the project already lists, then the first.
  const fits = (t: TemplateChoice) => !LAYOUT[t.id] || !facts.packaging || LAYOUT[t.id].packaging.includes(facts.packaging.value.kind);
  const lists = (t: TemplateChoice) => Boolean(LAYOUT[t.id]?.server && facts.dependencies.includes(LAYOUT[t.id].server ?? ''));
  const usesPostgres = facts.dependencies.some((d) => d.startsWith('psycopg'));
  const alone = (t: TemplateChoice) => !t.id.includes('postgres') || usesPostgres;
  // A project that lists a PostgreSQL driver gets the template that brings the database up beside it, where
  // one fits its packaging.
  const withDatabase = usesPostgres ? serving.find((t) => fits(t) && LAYOUT[t.id]?.database === 'postgresql') : undefined;
  return withDatabase ?? serving.find((t) => fits(t) && lists(t) && alone(t)) ?? serving.find((t) => fits(t) && alone(t)) ?? serving[0];
}

function layoutProblems(id: string, layout: (typeof LAYOUT)[string], facts: ProjectFacts): InitPlan['problems'] {
  const problems: InitPlan['problems'] = [];
  const packaging = facts.packaging?.value.kind;
  if (!packaging) {
    problems.push({ problem: `the project names no dependencies (no requirements*.txt, pyproject.toml, Pipfile, poetry.lock or uv.lock), and ${id} installs them from ${layout.packaging.includes('pipenv') ? 'Pipfile.lock' : 'requirements.txt'}`, fix: layout.packaging.includes('pipenv') ? 'add a Pipfile and run pipenv lock' : 'write requirements.txt with every package pinned (pip freeze > requirements.txt)' });
  } else if ((packaging === 'uv' || packaging === 'poetry') && facts.packaging?.value.kind === packaging && !facts.packaging.value.installable && layout.packaging.includes(packaging)) {
    problems.push({ problem: `${facts.packaging.from} is there, but pyproject.toml declares no project that pip can build (no [project] table, no [tool.poetry] with a build-backend)`, fix: `export the locked versions (${packaging === 'uv' ? 'uv export --no-hashes -o requirements.txt' : 'poetry export -f requirements.txt -o requirements.txt'}) and run init with --option dependencies=requirements.txt` });
  } else if (!layout.packaging.includes(packaging)) {
    const have = facts.packaging?.from ?? packaging;
    const wants = layout.packaging.includes('pipenv') ? 'a Pipfile and Pipfile.lock' : 'a pinned requirements.txt';
    const export_ = { pyproject: 'pip-compile pyproject.toml -o requirements.txt (pip-tools)', poetry: 'poetry export -f requirements.txt -o requirements.txt', uv: 'uv export --no-hashes -o requirements.txt', pipenv: 'pipenv requirements > requirements.txt', requirements: 'pipenv install -r requirements.txt' }[packaging];
    problems.push({ problem: `${id} installs ${wants}, and the project's dependencies are in ${have}`, fix: `generate it from what you have (${export_}) and run init again, or choose another template with --template` });
  } else if (packaging === 'requirements' && facts.packaging?.value.kind === 'requirements' && !facts.packaging.value.files.includes('requirements.txt')) {
    problems.push({ problem: `${id} installs requirements.txt at the project's root; the project has ${facts.packaging.value.files.join(', ')}`, fix: 'add a requirements.txt that includes the runtime ones (-r requirements/base.txt)' });
  }
  if (layout.sourceDir && facts.sourceDir.value !== layout.sourceDir) {
    problems.push({ problem: `${id} copies the application from ${layout.sourceDir}/; the project's code is at ${facts.sourceDir.value === '.' ? 'the root' : `${facts.sourceDir.value}/`} (${facts.sourceDir.from})`, fix: `a template option for the source folder is not there yet: move the code into ${layout.sourceDir}/ or choose another template` });
  }
  if (layout.server && !facts.dependencies.includes(layout.server)) {
    problems.push({ problem: `${id} serves the app with ${layout.server}, which the project's dependencies do not list: the app image would not start`, fix: `add ${layout.server} (pinned) to the runtime requirements` });
  }
  return problems;
}

export function describePlan(plan: InitPlan): string {
  const lines = [`template: ${plan.template}`, ...plan.reasons.slice(1).map((r) => `  ${r}`)];
  for (const note of plan.notes) lines.push(`note: ${note}`);
  for (const { problem, fix } of plan.problems) lines.push(`problem: ${problem}`, `  fix: ${fix}`);
  return `${lines.join('\n')}\n`;
}
