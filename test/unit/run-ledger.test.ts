import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ImageClaims, RunLedger } from '../../src/testing/run-ledger';
import { FakeEngine, type FakeRule } from './fake-engine';

describe('the run ledger', () => {
  it('removes by id in dependency order, and says how with --keep', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-ledger-'));
    const ledger = new RunLedger();
    ledger.record('folder', folder);
    ledger.record('volume', 'v1');
    ledger.record('image', 'sha256:i1', 'sha256:i1', ' ');
    ledger.record('container', 'c1');
    ledger.record('network', 'n1');
    assert.deepEqual(ledger.removalCommands(), ['docker rm -f c1', 'docker rmi sha256:i1', 'docker network rm n1', 'docker volume rm v1', `rm -rf ${folder}`]);
    const engine = new FakeEngine(0);
    const { removed, problems } = await ledger.removeAll(engine);
    assert.deepEqual(problems, []);
    assert.deepEqual(removed, { container: 1, image: 1, network: 1, volume: 1, folder: 1 });
    assert.deepEqual(engine.calls.map((c) => c.args.join(' ')), ['rm --force --volumes c1', 'image inspect --format {{json .RepoTags}} sha256:i1', 'rmi --force sha256:i1', 'network rm n1', 'volume rm --force v1']);
    assert.equal(fs.existsSync(folder), false);
    assert.equal(ledger.empty, true);
  });

  it('waits for a container someone else is already removing, and reports one that stays', async () => {
    let inspections = 0;
    const rules: FakeRule[] = [
      (call) => (call.args.join(' ') === 'rm --force --volumes c1 c2' ? { code: 1, stderr: 'Error response from daemon: removal of container c1 is already in progress' } : undefined),
      (call) => (call.args.join(' ') === 'rm --force --volumes c1' ? { code: 1, stderr: 'Error response from daemon: removal of container c1 is already in progress' } : undefined),
      (call) => (call.args[0] === 'inspect' && call.args.at(-1) === 'c1' ? (++inspections < 3 ? { stdout: 'c1\n' } : { code: 1, stderr: 'Error: No such object: c1' }) : undefined),
      (call) => (call.args[0] === 'rmi' ? { code: 1, stderr: 'Error response from daemon: conflict: unable to delete sha256:i1 (cannot be forced) - image is being used by running container c9' } : undefined),
    ];
    const ledger = new RunLedger();
    ledger.record('container', 'c1', 'c2');
    ledger.record('image', 'sha256:i1');
    const { removed, problems } = await ledger.removeAll(new FakeEngine(0, rules));
    assert.equal(inspections, 3);
    assert.equal(removed.container, 2);
    assert.deepEqual(problems, ['image sha256:i1: Error response from daemon: conflict: unable to delete sha256:i1 (cannot be forced) - image is being used by running container c9']);
    assert.deepEqual(ledger.list('image'), ['sha256:i1'], 'what could not be removed stays recorded');
  });

  it('never records a protected image', () => {
    const ledger = new RunLedger();
    ledger.record('image', 'sha256:base', 'sha256:mine');
    ledger.protect('sha256:base\n');
    ledger.record('image', 'sha256:base');
    assert.deepEqual(ledger.list('image'), ['sha256:mine']);
  });

  it('leaves an image that another live run also recorded to that run, which removes it when it ends', async () => {
    const claims = new ImageClaims();
    const first = new RunLedger(claims);
    const second = new RunLedger(claims);
    first.record('image', 'sha256:shared', 'sha256:first');
    second.record('image', 'sha256:shared', 'sha256:second');
    const engine = new FakeEngine(0);
    const early = await first.removeAll(engine);
    assert.equal(early.handedOver, 1);
    assert.equal(early.removed.image, 1);
    const removals = () => engine.calls.filter((c) => c.args[0] === 'rmi').map((c) => c.args.join(' '));
    assert.deepEqual(removals(), ['rmi --force sha256:first'], 'the shared image stays while the second run may use it');
    const late = await second.removeAll(engine);
    assert.equal(late.handedOver, 0);
    assert.deepEqual(removals().slice(1), ['rmi --force sha256:shared sha256:second']);
  });

  it('drops the claim of an image that turns out to be protected', async () => {
    const claims = new ImageClaims();
    const first = new RunLedger(claims);
    const second = new RunLedger(claims);
    first.record('image', 'sha256:base');
    first.protect('sha256:base');
    second.record('image', 'sha256:base');
    const engine = new FakeEngine(0);
    await second.removeAll(engine);
    assert.deepEqual(engine.calls.filter((c) => c.args[0] === 'rmi').map((c) => c.args.join(' ')), ['rmi --force sha256:base'], 'no phantom claim keeps it');
  });

  it('removes the names it gave first, and leaves an image that still has another name to whoever gave it', async () => {
    // BuildKit's cache gave another run's dev container the same image under its own name.
    const rules: FakeRule[] = [
      (call) => (call.args.join(' ') === 'image inspect --format {{json .RepoTags}} sha256:shared' ? { stdout: '["vsc-other-run-abc:latest"]\n' } : undefined),
      (call) => (call.args.join(' ') === 'image inspect --format {{json .RepoTags}} sha256:gone' ? { code: 1, stderr: 'Error: No such image: sha256:gone' } : undefined),
      (call) => (call.args[0] === 'image' ? { stdout: '[]\n' } : undefined),
    ];
    const engine = new FakeEngine(0, rules);
    const ledger = new RunLedger();
    ledger.record('image', 'vsc-this-run-def:latest', 'sha256:shared', 'docker.io/library/vsc-this-run-def-uid', 'sha256:mine', 'sha256:gone');
    const { removed, problems, handedOver } = await ledger.removeAll(engine);
    assert.deepEqual(problems, []);
    assert.deepEqual(engine.calls.filter((c) => c.args[0] === 'rmi').map((c) => c.args.join(' ')), [
      'rmi vsc-this-run-def:latest',
      'rmi docker.io/library/vsc-this-run-def-uid',
      'rmi --force sha256:mine',
    ]);
    assert.equal(handedOver, 1);
    assert.equal(removed.image, 4, 'two names, the unnamed id and the one already gone');
    assert.deepEqual(ledger.list('image'), []);
  });
});
