import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { main } from '../../src/cli';
import type { Engine } from '../../src/engine/engine';
import { bufferIo } from '../../src/io';
import { PACKAGE_ROOT } from '../../src/version';
import { engineForTests, inventory, minutes } from './helpers';

/**
 * Runs own what they create, whatever is thrown. Each case makes one phase of a real run throw a plain
 * Error once its work is done (STAGEPACK_TEST_FAULT, a test-only switch): by then the phase's containers,
 * images, networks or volumes exist. The run must report that step as failed with the error's message (no
 * stack trace), still run its clean-up, and leave the engine and the temporary folder as it found them.
 */
interface FaultCase {
  args: string[];
  faults: string;
  /** The FAILED lines expected, one per run of the command. */
  failed: RegExp[];
}

const CASES: FaultCase[] = [
  // A template's phases: published and applied, the dev container up, the app image built, running, and
  // its read-only second container up.
  ...['publish', 'apply', 'dev-up', 'app-build', 'app-run', 'app-read-only'].map((step) => ({
    args: ['--defaults-only', 'flask-gunicorn'],
    faults: step,
    failed: [new RegExp(`^FAILED flask-gunicorn: step "[^"]+" \\(log: .*${step}\\.error\\.log\\)$`, 'm')],
  })),
  // A compose project: the database's container, network and volume, and the app service beside them.
  { args: ['--defaults-only', 'flask-uwsgi-postgres'], faults: 'app-run', failed: [/^FAILED flask-uwsgi-postgres: step "run the app image"/m] },
  // A feature: devcontainer features test's images, then the feature applied with a template.
  { args: ['package-mirrors'], faults: 'features-test,dev-feature', failed: [/^FAILED package-mirrors: step "devcontainer features test/m, /^FAILED django\[\+package-mirrors\]: step "the dev container has the feature package-mirrors"/m] },
];

describe('stagepack test removes what it created when a phase throws (end to end, fault injection)', function () {
  this.timeout(minutes(20));
  let engine: Engine;
  before(async () => {
    engine = await engineForTests();
  });

  const runFolders = () => fs.readdirSync(os.tmpdir()).filter((name) => name.startsWith('stagepack-test-')).sort();

  for (const fault of CASES) {
    it(`after "${fault.faults}" in ${fault.args.at(-1)}: a failed step with the error's message, and nothing of the run left`, async () => {
      const baseline = await inventory(engine);
      const folders = runFolders();
      const io = bufferIo(PACKAGE_ROOT, { ...process.env, STAGEPACK_TEST_FAULT: fault.faults });
      const code = await main(['node', 'stagepack', 'test', ...fault.args], io);
      assert.equal(code, 1, io.out());
      for (const line of fault.failed) assert.match(io.out(), line);
      // Each run failed because of the injected fault, after the step had done its work, not for another reason.
      const injected = io.err().match(/FAIL [^\n]*: unexpected error: fault injected after step [\w-]+ \(STAGEPACK_TEST_FAULT\)\n\s+fix: this is a fault of stagepack or the engine/g) ?? [];
      assert.equal(injected.length, fault.failed.length, io.err());
      assert.doesNotMatch(io.err(), /FAIL (?![^\n]*unexpected error: fault injected)/, 'a step failed for another reason');
      assert.doesNotMatch(io.err(), /\n\s+at .+\(.+:\d+:\d+\)/, 'a stack trace was printed');
      const cleanups = io.err().match(/ok {3}remove what the test created/g) ?? [];
      assert.equal(cleanups.length, fault.failed.length, `every run cleaned up:\n${io.err()}`);
      assert.deepEqual(await inventory(engine), baseline, 'the run left containers, images, networks or volumes behind');
      assert.deepEqual(runFolders(), folders, 'the run left its temporary folder behind');
      // The logs of the failed runs (the error's stack among them) are kept for the user; these are ours.
      for (const log of io.out().matchAll(/\(log: (.+)\)$/gm)) fs.rmSync(log[1].replace(/\/[^/]+\/[^/]+$/, ''), { recursive: true, force: true });
    });
  }
});
