import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { Engine } from '../../src/engine/engine';
import { PACKAGE_ROOT } from '../../src/version';
import { engineForTests, inventory, minutes } from './helpers';

/**
 * Ctrl-C in a terminal sends SIGINT to the whole foreground process group: stagepack and every docker,
 * devcontainer and registry process it started. The test does exactly that while the dev container and the
 * app container are both running, and then expects the run to end on its own, say so, and leave the
 * engine's inventory as it found it.
 */
describe('stagepack test on Ctrl-C (end to end)', function () {
  this.timeout(minutes(10));
  let engine: Engine;
  before(async () => {
    engine = await engineForTests();
  });

  it('stops what is running and removes every container and image it created', async () => {
    const baseline = await inventory(engine);
    const child = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'stagepack.js'), 'test', '--defaults-only', 'flask-gunicorn'], {
      cwd: PACKAGE_ROOT,
      detached: true, // its own process group, like a shell job, so the group can be signalled as a terminal would
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    let runningAtSignal: Awaited<ReturnType<typeof inventory>> | undefined;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      // The app container has just started and is being polled for health; the dev container is up too.
      if (!signalled && /ok {3}run the app image/.test(stderr)) {
        signalled = true;
        void inventory(engine).then((now) => {
          runningAtSignal = now;
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
        });
      }
    });

    const code = await exited;
    assert.ok(signalled, `the run never reached the app container:\n${stderr}`);
    assert.ok(runningAtSignal && runningAtSignal.containers.length >= baseline.containers.length + 2, 'the dev and app containers were not running when interrupted');
    assert.equal(code, 1, `${stdout}\n${stderr}`);
    assert.match(stderr, /stagepack test: interrupted; stopping what is running and removing what this run created/);
    assert.match(stderr, /ok {3}remove what the test created[^\n]*removed \d+ container\(s\), \d+ image\(s\)/);
    assert.match(stderr, /stagepack test: interrupted before every template was tested/);
    assert.doesNotMatch(stderr, /\n\s+at .+\(.+:\d+:\d+\)/, 'a stack trace was printed');
    assert.deepEqual(await inventory(engine), baseline, 'the interrupted run left containers or images behind');
  });
});
