import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import type { Engine } from '../../src/engine/engine';
import { TEMPLATE_STEPS } from '../../src/testing/template-test';
import { echoingIo, engineForTests, inventory, minutes, type Inventory } from './helpers';

/**
 * `stagepack test` on the shipped template, for real: the JUnit report is the evidence of each step, and
 * the engine's inventory before and after proves that everything the run created was removed.
 */
describe('stagepack test (end to end, real engine, registry and Dev Containers CLI)', function () {
  this.timeout(minutes(25));
  let engine: Engine;
  let baseline: Inventory;
  let reports: string;

  before(async () => {
    engine = await engineForTests();
    reports = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-e2e-'));
  });
  after(() => fs.rmSync(reports, { recursive: true, force: true }));
  beforeEach(async () => {
    baseline = await inventory(engine);
  });

  function testcase(xml: string, name: string): string {
    const start = xml.indexOf(`name="${name}"`);
    assert.ok(start >= 0, `no testcase "${name}" in the JUnit report`);
    return xml.slice(start, xml.indexOf('</testcase>', start));
  }

  it('passes flask-gunicorn: dev container up and exec, app healthy, answering, non-root, stopped, nothing left', async () => {
    const junit = path.join(reports, 'flask.xml');
    const io = echoingIo();
    const code = await main(['node', 'stagepack', 'test', '--defaults-only', 'flask-gunicorn', '--junit', junit], io);
    assert.equal(code, 0, io.out());
    assert.match(io.out(), /^1 passed, 0 skipped, 0 failed$/m);
    const xml = fs.readFileSync(junit, 'utf8');
    // Every step of the pipeline ran and passed, but those that do not apply to a plain template without a
    // feature, a compose file or declared checks; named, so a step that went missing says which.
    const ran = [...xml.matchAll(/<testcase classname="stagepack\.flask-gunicorn\.([^"]+)"/g)].map((m) => m[1]);
    const notApplying = ['dev-feature', 'app-database', 'declared-checks'];
    assert.deepEqual(ran, [...TEMPLATE_STEPS.map((s) => s.id).filter((id) => !notApplying.includes(id)), 'cleanup']);
    assert.match(xml, new RegExp(`<testsuite name="flask-gunicorn" tests="${ran.length}" failures="0" skipped="0"`));
    assert.match(testcase(xml, 'devcontainer up (development target)'), /as dev in \/workspaces\//);
    assert.match(testcase(xml, 'devcontainer exec .devcontainer/test.sh'), /8 checks passed: runs as the non-root user/);
    assert.match(testcase(xml, 'wait until Docker reports the app healthy'), /healthy after \d+\.\d s/);
    assert.match(testcase(xml, 'the app answers HTTP on loopback (/)'), /-&gt; 200 \{&quot;app&quot;:&quot;sample-flask&quot;,&quot;python&quot;:&quot;3\.11\.\d+&quot;,&quot;uid&quot;:10001\}/);
    assert.match(testcase(xml, 'the app runs as a non-root user with a high UID'), /USER 10001:10001; \d+ process\(es\), all as uid 10001 \(&gt;= 10000\)</);
    assert.match(testcase(xml, 'docker stop ends the app within 3 s'), /stopped in \d\.\d s \(bound 3 s\), exit code (0|143)/);
    assert.match(testcase(xml, 'no compilers or headers in the app image'), /no compiler, make or development headers; the app stage adds \d+\.\d MB over python:3\.11-slim-bookworm/);
    assert.match(testcase(xml, 'the dev container and the app image share base layers and Python'), /\d+ shared layer\(s\) \(python:3\.11-slim-bookworm: [\d.]+ MB, plus the base stage's own\), Python 3\.11\.\d+ in both/);
    assert.match(testcase(xml, 'a burst of 2000 requests (16 at a time) from loopback completes without errors'), /2000\/2000 requests in [\d.]+ s, \d+ req\/s, latency p50 [\d.]+ ms, p95 [\d.]+ ms, p99 [\d.]+ ms, 0 errors/);
    assert.match(testcase(xml, 'no build secret in any layer, the config or the history'), /no trace of the build canary \(passed as a BuildKit secret[^)]*\) in \d+ layer\(s\)/);
    assert.match(testcase(xml, 'every shared library resolves in the app image'), /every library of the interpreter and \d+ shared object\(s\) resolves \(ldd\)/);
    assert.match(testcase(xml, 'the app wrote nothing into its image while it answered (only /tmp and volumes)'), /nothing written outside \/tmp/);
    assert.match(testcase(xml, 'the app logged no server error or traceback from start to stop'), /no server error or traceback in \d+ log line\(s\) from start to stop/);
    assert.match(testcase(xml, 'the app runs with a read-only root (tmpfs /tmp)'), /healthy after [\d.]+ s; GET \/ -&gt; 200/);
    assert.match(testcase(xml, 'remove what the test created'), /removed 3 container\(s\), [1-9] image\(s\)/);
    assert.deepEqual(await inventory(engine), baseline, 'the run left containers or images behind');
  });

  it('runs one entry of the matrix alone, with the arguments `--list --format json` gives it (as a CI job does)', async () => {
    const list = echoingIo();
    assert.equal(await main(['node', 'stagepack', 'test', '--list', '--format', 'json'], list), 0, list.err());
    const entries = JSON.parse(list.out()) as { label: string; args: string[] }[];
    const entry = entries.find((e) => e.label === 'flask-gunicorn[workers=1]');
    assert.ok(entry, 'flask-gunicorn[workers=1] is not in the matrix');
    const junit = path.join(reports, 'one-entry.xml');
    const io = echoingIo();
    const code = await main(['node', 'stagepack', ...entry.args, '--junit', junit], io);
    assert.equal(code, 0, io.out());
    assert.match(io.out(), /^1 passed, 0 skipped, 0 failed$/m);
    const suites = [...fs.readFileSync(junit, 'utf8').matchAll(/<testsuite name="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(suites, ['flask-gunicorn[workers=1]']);
    assert.deepEqual(await inventory(engine), baseline, 'the run left containers or images behind');
  });

  it('fails, naming the health step, when the app never becomes healthy, and still cleans up', async () => {
    const junit = path.join(reports, 'unhealthy.xml');
    const io = echoingIo();
    const code = await main(['node', 'stagepack', 'test', '--defaults-only', 'flask-gunicorn', '--app', 'test/fixtures/apps/flask-unhealthy', '--health-timeout', '45', '--junit', junit], io);
    assert.equal(code, 1);
    const failed = /^FAILED flask-gunicorn: step "wait until Docker reports the app healthy" \(log: (.+)\)$/m.exec(io.out());
    assert.ok(failed, io.out());
    // The log named survives the cleanup, and holds the app's own output.
    assert.match(fs.readFileSync(failed[1], 'utf8'), /\$ \S+ logs [0-9a-f]{64}\n/);
    fs.rmSync(path.dirname(path.dirname(failed[1])), { recursive: true, force: true });
    assert.match(io.out(), /^0 passed, 0 skipped, 1 failed$/m);
    assert.match(io.err(), /FAIL wait until Docker reports the app healthy .*did not become healthy within 45 s \(unhealthy; last probe exit 1: .*503/);
    const xml = fs.readFileSync(junit, 'utf8');
    assert.match(testcase(xml, 'wait until Docker reports the app healthy'), /<failure message="the app did not become healthy/);
    assert.match(testcase(xml, 'the app answers HTTP on loopback (/)'), /<skipped message="not run: an earlier step failed"\/>/);
    assert.match(testcase(xml, 'remove what the test created'), /removed 2 container\(s\)/);
    assert.deepEqual(await inventory(engine), baseline, 'the failed run left containers or images behind');
  });
});
