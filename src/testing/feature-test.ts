import * as fs from 'node:fs';
import * as path from 'node:path';
import { devcontainer } from '../devcontainer-cli';
import { docker, type Docker } from '../engine/docker';
import type { EngineLog } from '../engine/log';
import { getPath, isRecord, parseJsonc, scalarText } from '../jsonc';
import type { TargetRef } from '../pack';
import { ok, tail } from '../proc';
import { stageFolder } from '../stage';
import { baseImagesOrSkip, lintOrFail } from './common-steps';
import { StepFailure, StepRecorder, type TemplateRun } from './steps';

/**
 * A feature's own tests, run the way the Dev Containers CLI defines them: `devcontainer features test` on
 * a project laid out as the CLI expects (src/<id>, test/<id>) staged from the pack's features/<id> and
 * test/<id>, on the templates' base image. The CLI builds an image per scenario; those images are recorded
 * (by id, as the ones that appeared during the run with the CLI's naming) and removed at the end.
 */

/** The image `devcontainer features test` installs onto when a scenario names none: the templates' base. */
export const FEATURE_TEST_BASE_IMAGE = 'python:3.11-slim-bookworm';

export interface FeatureTestContext {
  engine: Docker;
  log: EngineLog;
  write: (text: string) => void;
  workDir: string;
  logDir: string;
  keep: boolean;
  /** The pack's test folder, holding test/<feature id>/ (test.sh, scenarios.json, <scenario>.sh). */
  testsRoot: string;
}

export async function testFeature(feature: TargetRef, context: FeatureTestContext): Promise<TemplateRun> {
  const run: TemplateRun = { template: feature.folderName, options: {}, steps: [] };
  const recorder = new StepRecorder(feature.folderName, context.write);
  run.steps = recorder.steps;
  fs.mkdirSync(context.logDir, { recursive: true });
  const logFile = (name: string) => path.join(context.logDir, `${name}.log`);
  const project = path.join(context.workDir, 'project');
  const testDir = path.join(context.testsRoot, feature.folderName);
  const createdImages: string[] = [];
  let images: string[] = [FEATURE_TEST_BASE_IMAGE];

  await recorder.step('lint', 'lint the feature', async () => lintOrFail(feature));

  await recorder.step('feature-tests-present', 'the feature has tests', async () => {
    if (!fs.existsSync(path.join(testDir, 'test.sh'))) {
      throw new StepFailure(`no ${path.relative(process.cwd(), path.join(testDir, 'test.sh'))}\nfix: add test/${feature.folderName}/test.sh (and scenarios.json with one <scenario>.sh per scenario) as the Dev Containers CLI expects`);
    }
    const scenarios = readScenarios(testDir);
    images = [...new Set([FEATURE_TEST_BASE_IMAGE, ...Object.values(scenarios).map((s) => scalarText(getPath(s, ['image'])) ?? '').filter(Boolean)])];
    return `test.sh and ${Object.keys(scenarios).length} scenario(s): ${Object.keys(scenarios).join(', ') || 'none'}`;
  });

  await recorder.step('base-images', 'make the base images available', async () => {
    await baseImagesOrSkip(context.engine, context.log, images);
    return images.join(', ');
  });

  await recorder.step('features-test', `devcontainer features test on ${FEATURE_TEST_BASE_IMAGE} and every scenario`, async () => {
    stageFolder(feature.absDir, path.join(project, 'src', feature.folderName));
    stageFolder(testDir, path.join(project, 'test', feature.folderName));
    const before = new Set(await imageIds(context.engine));
    const result = await devcontainer(context.engine, ['features', 'test', '--project-folder', project, '--features', feature.folderName, '--base-image', FEATURE_TEST_BASE_IMAGE, '--log-level', 'info'], {
      logFile: logFile('features-test'),
      timeoutMs: 1_200_000,
    });
    for (const id of await imageIds(context.engine)) if (!before.has(id)) createdImages.push(id);
    const passed = [...`${result.stdout}\n${result.stderr}`.matchAll(/✅ Passed:\s*'([^']+)'/g)].map((m) => m[1]);
    const failed = [...`${result.stdout}\n${result.stderr}`.matchAll(/❌ Failed:\s*'([^']+)'/g)].map((m) => m[1]);
    if (!ok(result) || failed.length) {
      throw new StepFailure(`devcontainer features test failed${failed.length ? `: ${failed.join(', ')}` : ''} (exit ${result.code ?? result.signal})\n${tail(result, 15)}`, logFile('features-test'));
    }
    if (!passed.length) throw new StepFailure(`devcontainer features test reported no passing test\n${tail(result, 15)}`, logFile('features-test'));
    return { detail: `passed: ${passed.join(', ')}`, logFile: logFile('features-test') };
  });

  await recorder.step('cleanup', 'remove what the test created', async () => {
    if (context.keep) return `kept ${createdImages.length} image(s) and ${context.workDir} (--keep): docker rmi ${createdImages.join(' ')}`;
    if (createdImages.length) {
      const removed = await docker(context.engine, ['rmi', '--force', ...createdImages]);
      if (!ok(removed)) throw new StepFailure(`docker rmi: ${tail(removed, 3)}`);
    }
    fs.rmSync(context.workDir, { recursive: true, force: true });
    return `removed ${createdImages.length} image(s) and ${context.workDir}`;
  }, { always: true });

  if (!recorder.hasFailed && !context.keep) fs.rmSync(context.logDir, { recursive: true, force: true });
  return run;
}

/** The options the feature's first scenario gives it (so that, applied with a template, it does something). */
export function scenarioOptions(testDir: string, featureId: string): Record<string, string> {
  let scenarios: Record<string, unknown>;
  try {
    scenarios = readScenarios(testDir);
  } catch {
    return {}; // reported by the feature's own test run
  }
  for (const scenario of Object.values(scenarios)) {
    const options = getPath(scenario, ['features', featureId]);
    if (isRecord(options)) return Object.fromEntries(Object.entries(options).map(([k, v]) => [k, scalarText(v) ?? '']));
  }
  return {};
}

function readScenarios(testDir: string): Record<string, unknown> {
  const file = path.join(testDir, 'scenarios.json');
  if (!fs.existsSync(file)) return {};
  const doc = parseJsonc(fs.readFileSync(file, 'utf8'));
  if (doc.errors.length || !isRecord(doc.value)) {
    throw new StepFailure(`${file}:${doc.errors[0]?.position.line ?? 1}:${doc.errors[0]?.position.column ?? 1}: not a JSON object of scenarios`);
  }
  return doc.value;
}

async function imageIds(engine: Docker): Promise<string[]> {
  const listed = await docker(engine, ['images', '--all', '--quiet', '--no-trunc']);
  return listed.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}
