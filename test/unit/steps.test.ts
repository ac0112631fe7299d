import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { run } from '../../src/proc';
import { junitXml, xmlText, runLabel, runOutcome, StepFailure, StepRecorder, StepSkip, summaryTable, type TemplateRun } from '../../src/testing/steps';

describe('test steps and reports', () => {
  it('records passes, skips and failures, and skips what follows a failure unless it must always run', async () => {
    let out = '';
    const recorder = new StepRecorder('t', (text) => { out += text; });
    await recorder.step('a', 'first', async () => 'fine');
    await recorder.step('b', 'second', async () => { throw new StepSkip('no uwsgi wheel in the mirror'); });
    await recorder.step('c', 'third', async () => { throw new StepFailure('broke\nfix: do this', '/tmp/c.log'); });
    await recorder.step('d', 'fourth', async () => 'never');
    await recorder.step('e', 'cleanup', async () => 'cleaned', { always: true });
    assert.deepEqual(recorder.steps.map((s) => [s.id, s.status]), [['a', 'pass'], ['b', 'skip'], ['c', 'fail'], ['d', 'skip'], ['e', 'pass']]);
    assert.equal(recorder.steps[3].detail, 'not run: an earlier step failed');
    assert.equal(recorder.hasFailed, true);
    assert.match(out, /t {2}FAIL third \(\d+\.\d s\): broke\n {8}fix: do this\n {8}log: \/tmp\/c\.log\n/);
    assert.match(out, /skip second .*no uwsgi wheel/);
  });

  it('a blocking skip skips everything after it but the always-steps, and the run counts as skipped', async () => {
    const recorder = new StepRecorder('t[pythonVersion=3.12]', () => undefined);
    await recorder.step('lint', 'lint', async () => 'fine');
    await recorder.step('base-images', 'base images', async () => { throw new StepSkip('python:3.12-slim-bookworm cannot be pulled\nmore', true); });
    await recorder.step('app-build', 'build', async () => 'never');
    await recorder.step('cleanup', 'cleanup', async () => 'cleaned', { always: true });
    assert.deepEqual(recorder.steps.map((s) => [s.id, s.status]), [['lint', 'pass'], ['base-images', 'skip'], ['app-build', 'skip'], ['cleanup', 'pass']]);
    assert.equal(recorder.steps[2].detail, 'not run: python:3.12-slim-bookworm cannot be pulled');
    assert.equal(recorder.hasFailed, false);
    const run: TemplateRun = { template: 't', variant: 'pythonVersion=3.12', options: {}, steps: recorder.steps };
    assert.equal(runOutcome(run), 'skip');
    assert.equal(runLabel(run), 't[pythonVersion=3.12]');
    // A skip that is not blocking (a check that does not apply) leaves the run passing.
    assert.equal(runOutcome({ ...run, steps: [{ id: 'x', title: 'x', status: 'skip', durationMs: 0, detail: 'not gunicorn' }] }), 'pass');
    assert.equal(runOutcome({ ...run, steps: [...run.steps, { id: 'y', title: 'y', status: 'fail', durationMs: 0, detail: 'broke' }] }), 'fail');
  });

  it('turns an unexpected error into a failed step with its message, the stack in a log, and still runs the always-steps', async () => {
    let out = '';
    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-steps-'));
    const recorder = new StepRecorder('t', (text) => { out += text; }, { logDir });
    await recorder.step('a', 'bug', async () => { throw new TypeError('undefined is not a function'); });
    await recorder.step('b', 'next', async () => 'never');
    await recorder.step('cleanup', 'cleanup', async () => 'cleaned', { always: true });
    assert.deepEqual(recorder.steps.map((s) => [s.id, s.status]), [['a', 'fail'], ['b', 'skip'], ['cleanup', 'pass']]);
    assert.match(recorder.steps[0].detail, /^unexpected error: undefined is not a function\nfix: this is a fault of stagepack or the engine/);
    assert.equal(recorder.steps[0].logFile, path.join(logDir, 'a.error.log'));
    assert.match(fs.readFileSync(path.join(logDir, 'a.error.log'), 'utf8'), /TypeError: undefined is not a function\n\s+at /);
    assert.doesNotMatch(out, /\n\s+at .+:\d+:\d+\)/, 'a stack trace was printed');
    fs.rmSync(logDir, { recursive: true, force: true });
  });

  it('injects a fault after the named step has done its work (STAGEPACK_TEST_FAULT), and only there', async () => {
    const did: string[] = [];
    const recorder = new StepRecorder('t', () => undefined, { injectFaultAfter: 'b' });
    await recorder.step('a', 'first', async () => { did.push('a'); return 'fine'; });
    await recorder.step('b', 'second', async () => { did.push('b'); return 'fine'; });
    await recorder.step('c', 'third', async () => { did.push('c'); return 'fine'; });
    assert.deepEqual(did, ['a', 'b']);
    assert.deepEqual(recorder.steps.map((s) => s.status), ['pass', 'fail', 'skip']);
    assert.match(recorder.steps[1].detail, /^unexpected error: fault injected after step b \(STAGEPACK_TEST_FAULT\)/);
  });

  const runs: TemplateRun[] = [
    {
      template: 'flask-gunicorn',
      options: {},
      steps: [
        { id: 'a', title: 'build <app>', status: 'pass', durationMs: 1500, detail: 'ok & done' },
        { id: 'b', title: 'health', status: 'fail', durationMs: 30000, detail: 'unhealthy "503"', logFile: '/tmp/x.log' },
        { id: 'c', title: 'stop', status: 'skip', durationMs: 0, detail: 'not run' },
      ],
    },
  ];

  it('prints a summary table with times', () => {
    const table = summaryTable(runs).split('\n');
    assert.equal(table[0], 'template        check  step         result    time');
    assert.equal(table[1], '--------------  -----  -----------  ------  ------');
    assert.equal(table[2], 'flask-gunicorn  a      build <app>  PASS     1.5 s');
    assert.equal(table[3], 'flask-gunicorn  b      health       FAIL    30.0 s');
  });

  it('writes JUnit XML with escaped text, failures and skips', () => {
    const xml = junitXml(runs);
    assert.match(xml, /<testsuite name="flask-gunicorn" tests="3" failures="1" skipped="1" time="31\.500">/);
    assert.match(xml, /<testcase classname="stagepack\.flask-gunicorn\.a" name="build &lt;app&gt;" time="1\.500">/);
    assert.match(xml, /<failure message="unhealthy &quot;503&quot;">unhealthy &quot;503&quot;&#10;log: \/tmp\/x\.log<\/failure>/);
    assert.match(xml, /<skipped message="not run"\/>/);
    assert.match(xml, /<system-out>ok &amp; done<\/system-out>/);
  });

  it('writes valid JUnit for any message: control characters, lone surrogates, quotes and newlines, read back by an XML parser', () => {
    const nasty = 'colour \u001b[31mred\u001b[0m, bell \u0007, NUL \u0000, lone \ud800 surrogate, "quotes" & <tags>\nsecond line\ttab';
    const xml = junitXml([{ template: 't<1>', options: {}, steps: [{ id: 'x', title: nasty, status: 'fail', durationMs: 1, detail: nasty }] }]);
    assert.equal(XMLValidator.validate(xml), true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', trimValues: false, processEntities: true, htmlEntities: true }).parse(xml);
    const testcase = parsed.testsuites.testsuite.testcase;
    const readable = 'colour \\u001b[31mred\\u001b[0m, bell \\u0007, NUL \\u0000, lone \\ud800 surrogate, "quotes" & <tags>\nsecond line\ttab';
    assert.equal(testcase.name, readable);
    assert.equal(testcase.failure.message, readable.split('\n')[0]);
    assert.equal(testcase.failure['#text'], readable);
    assert.equal(parsed.testsuites.testsuite.name, 't<1>');
    assert.equal(xmlText('a\u00e9\ud83d\ude00b'), 'a\u00e9\ud83d\ude00b', 'valid characters, astral ones too, pass unchanged');
  });

  it('decodes program output as UTF-8 across chunk boundaries', async () => {
    // The child writes the three bytes of "✅" in two writes, 100 ms apart: two chunks for the parent.
    const script = 'process.stdout.write(Buffer.from([0xe2])); setTimeout(() => { process.stdout.write(Buffer.from([0x9c, 0x85])); process.stderr.write(Buffer.from([0xc3])); setTimeout(() => process.stderr.write(Buffer.from([0xa9])), 100); }, 100);';
    const result = await run(process.execPath, ['-e', script]);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, '\u2705');
    assert.equal(result.stderr, '\u00e9');
  });
});
