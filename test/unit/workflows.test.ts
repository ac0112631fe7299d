import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { register } from 'node:module';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { main } from '../../src/cli';
import { bufferIo } from '../../src/io';
import { PACKAGE_ROOT } from '../../src/version';

/**
 * The GitHub Actions workflows shipped for a pack's repository (.github/workflows), read by GitHub's own
 * workflow parser (@actions/workflow-parser, the one behind the Actions language service): every file must
 * parse and convert without an error. Then what each workflow is for is checked on its parsed structure:
 * SARIF upload with the permission it needs, the test matrix taken from `stagepack test --list`, JUnit
 * reports merged, publish on release with a token that may write packages.
 */
const WORKFLOWS = path.join(PACKAGE_ROOT, '.github', 'workflows');

type Parser = typeof import('@actions/workflow-parser', { with: { 'resolution-mode': 'import' } });
let parser: Promise<Parser> | undefined;

/**
 * The parser is ES modules only and imports its JSON schemas without `with { type: "json" }`, which Node
 * refuses (actions/languageservices#387); a load hook adds the attribute to those two files, nothing else.
 */
function loadParser(): Promise<Parser> {
  parser ??= (async () => {
    const hook = 'export async function load(url, context, nextLoad) {\n' +
      "  if (url.endsWith('.json') && url.includes('/@actions/workflow-parser/')) return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });\n" +
      '  return nextLoad(url, context);\n}\n';
    register(`data:text/javascript,${encodeURIComponent(hook)}`);
    return import('@actions/workflow-parser');
  })();
  return parser;
}

interface Step { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string>; id?: string; if?: string }
interface Job { needs?: string | string[]; if?: string; permissions?: Record<string, string>; steps: Step[]; strategy?: { matrix?: Record<string, unknown> }; outputs?: Record<string, string> }
interface Workflow { on: Record<string, unknown>; permissions?: Record<string, string>; jobs: Record<string, Job> }

function workflow(name: string): Workflow {
  return parseYaml(fs.readFileSync(path.join(WORKFLOWS, name), 'utf8')) as Workflow;
}

const stepUsing = (job: Job, action: string) => job.steps.find((s) => s.uses?.split('@')[0] === action);

describe('the GitHub Actions workflows for a pack', () => {
  it('parse and convert with GitHub\'s workflow parser, without an error', async function () {
    this.timeout(20_000);
    const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await loadParser();
    const files = fs.readdirSync(WORKFLOWS).filter((f) => f.endsWith('.yml'));
    assert.deepEqual(files.sort(), ['lint.yml', 'publish.yml', 'test.yml']);
    for (const name of files) {
      const parsed = parseWorkflow({ name, content: fs.readFileSync(path.join(WORKFLOWS, name), 'utf8') }, new NoOperationTraceWriter());
      assert.deepEqual(parsed.context.errors.getErrors().map((e) => e.message), [], name);
      assert.ok(parsed.value, `${name} parsed to nothing`);
      const converted = await convertWorkflowTemplate(parsed.context, parsed.value);
      assert.deepEqual((converted.errors ?? []).map((e) => e.Message), [], name);
      assert.ok((converted.jobs ?? []).length > 0, `${name} has no jobs`);
    }
  });

  it('tells a broken workflow from a good one (the parser is really checking)', async () => {
    const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await loadParser();
    const broken = fs.readFileSync(path.join(WORKFLOWS, 'test.yml'), 'utf8').replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest');
    const parsed = parseWorkflow({ name: 'broken.yml', content: broken }, new NoOperationTraceWriter());
    const converted = parsed.value ? await convertWorkflowTemplate(parsed.context, parsed.value) : undefined;
    const errors = [...parsed.context.errors.getErrors().map((e) => e.message), ...(converted?.errors ?? []).map((e) => e.Message)];
    assert.ok(errors.some((e) => /runs_on|runs-on/.test(e)), errors.join('\n'));
  });

  it('lint: SARIF from stagepack lint goes to code scanning, with only the permission that needs', () => {
    const { jobs, permissions } = workflow('lint.yml');
    assert.deepEqual(permissions, { contents: 'read' });
    const lint = jobs.lint;
    assert.equal(lint.permissions?.['security-events'], 'write');
    const run = lint.steps.find((s) => s.run?.includes('stagepack.js lint'));
    assert.match(run?.run ?? '', /--format sarif > (\S+)$/);
    const sarifFile = /> (\S+)$/.exec(run?.run ?? '')?.[1];
    assert.equal(stepUsing(lint, 'github/codeql-action/upload-sarif')?.with?.sarif_file, sarifFile);
    // The upload runs even when lint found errors; the job still fails on them afterwards.
    assert.equal((run as Step & { 'continue-on-error'?: boolean })['continue-on-error'], true);
    assert.match(lint.steps.at(-1)?.if ?? '', new RegExp(`steps\\.${run?.id}\\.outcome == 'failure'`));
  });

  it('test: one job per entry of `stagepack test --list --format json`, each run alone, reports merged', async () => {
    const { jobs } = workflow('test.yml');
    const list = jobs.list.steps.find((s) => s.id === 'list');
    assert.match(list?.run ?? '', /stagepack\.js test --list --format json --changed "origin\/\$BASE_REF"/);
    assert.match(list?.run ?? '', /stagepack\.js test --list --format json > matrix\.json/);
    assert.equal(jobs.list.outputs?.entries, '${{ steps.list.outputs.entries }}');
    assert.equal(jobs.test.needs, 'list');
    assert.equal(jobs.test.strategy?.matrix?.include, '${{ fromJSON(needs.list.outputs.entries) }}');
    const run = jobs.test.steps.find((s) => s.run?.includes('stagepack.js test'));
    assert.equal(run?.env?.ENTRY, '${{ matrix.label }}');
    assert.match(run?.run ?? '', /test --only "\$ENTRY" --junit junit\.xml/);
    assert.equal(stepUsing(jobs.test, 'actions/upload-artifact')?.with?.path, 'junit.xml');
    assert.equal(stepUsing(jobs.report, 'actions/download-artifact')?.with?.pattern, 'junit-*');
    assert.equal(stepUsing(jobs.report, 'EnricoMi/publish-unit-test-result-action')?.with?.files, 'junit/**/*.xml');
    // What the matrix reads of each entry is there: the real --list output has a label on every entry.
    const io = bufferIo(PACKAGE_ROOT);
    assert.equal(await main(['node', 'stagepack', 'test', '--list', '--format', 'json'], io), 0, io.err());
    const entries = JSON.parse(io.out()) as { label: unknown; args: unknown }[];
    assert.ok(entries.length > 0 && entries.length <= 256, `GitHub runs at most 256 jobs of a matrix (${entries.length})`);
    for (const entry of entries) assert.equal(typeof entry.label, 'string');
  });

  it('publish: on a release, to ghcr.io, with a token that may write packages', () => {
    const { on, jobs, permissions } = workflow('publish.yml');
    assert.deepEqual(on, { release: { types: ['published'] } });
    assert.deepEqual(permissions, { contents: 'read' });
    assert.equal(jobs.publish.permissions?.packages, 'write');
    const step = jobs.publish.steps.find((s) => s.run?.includes('stagepack.js publish'));
    assert.equal(step?.env?.GITHUB_TOKEN, '${{ secrets.GITHUB_TOKEN }}');
    assert.match(step?.run ?? '', /--registry ghcr\.io/);
  });
});
