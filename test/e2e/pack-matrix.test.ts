import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import type { Engine } from '../../src/engine/engine';
import { discoverTargets, loadTarget, templateOptions } from '../../src/pack';
import { optionVariants } from '../../src/template-options';
import { PACKAGE_ROOT } from '../../src/version';
import { echoingIo, engineForTests, inventory, minutes } from './helpers';

/**
 * The whole pack, as `.ci/run` must prove it: every template with its defaults and with each other proposal
 * of each option (one at a time), on the real engine. A variant may only be skipped for a base image this
 * machine cannot have (alone or paired with another option's value) or a pinned wheel its package index
 * lacks for that Python, and the run must say so; everything else passes, and nothing is left behind.
 */
describe('stagepack test on the whole pack: every template option proposal and every feature (end to end)', function () {
  this.timeout(minutes(70));
  let engine: Engine;
  before(async () => {
    engine = await engineForTests();
  });

  it('passes every template variant and feature, or skips a variant for a base image that cannot exist here, naming it', async () => {
    const discovered = discoverTargets([PACKAGE_ROOT], PACKAGE_ROOT);
    assert.ok(discovered.ok);
    const templates = discovered.targets.filter((t) => t.kind === 'template');
    const features = discovered.targets.filter((t) => t.kind === 'feature');
    const expected = [
      ...templates.flatMap((t) => optionVariants(templateOptions(loadTarget(t))).map((v) => (v.option ? `${t.folderName}[${v.option}=${v.value}]` : t.folderName))),
      // Then each feature's own tests (devcontainer features test, every scenario), and the feature applied
      // with the pack's first template (templates apply --features).
      ...features.flatMap((f) => [f.folderName, `${templates[0].folderName}[+${f.folderName}]`]),
    ];
    const reports = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-matrix-'));
    const junit = path.join(reports, 'pack.xml');
    const baseline = await inventory(engine);
    const io = echoingIo();
    const code = await main(['node', 'stagepack', 'test', '--junit', junit], io);
    const xml = fs.readFileSync(junit, 'utf8');
    fs.rmSync(reports, { recursive: true, force: true });

    assert.equal(code, 0, io.out());
    const suites = [...xml.matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)" skipped="(\d+)"/g)].map((m) => ({ name: m[1], failures: Number(m[3]) }));
    assert.deepEqual(suites.map((s) => s.name.replace(/&quot;/g, '"')), expected, 'one run per template and option proposal');
    assert.deepEqual(suites.filter((s) => s.failures), []);
    // Only these reasons are accepted: a base image that can be neither pulled nor stood in for (with no option
    // value to pair it with), and a pinned wheel the local mirror holds only for another Python.
    const skipped = [...io.out().matchAll(/^SKIPPED (.+?) from step "([^"]+)": (.+)$/gm)].map((m) => [m[0], m[1], m[3]]);
    for (const [, label, reason] of skipped) {
      // Or, third: a variant paired into the very values another paired variant tests (3.13 alone and trixie
      // alone both become 3.13 on trixie), which runs once.
      assert.match(reason, /cannot be pulled and Debian \w+ ships (Python|PostgreSQL) [\d.]+, not [\d.]+|^the local package index holds \S+ \S+ only as [^:]+: none for Python 3\.\d+|its values are those \S+ tests/, label);
    }
    // Every template's defaults really ran (a skip there would prove nothing about the template).
    for (const template of templates) assert.ok(!skipped.some((m) => m[1] === template.folderName), `${template.folderName} was skipped with its defaults`);
    assert.match(io.out(), new RegExp(`^${expected.length - skipped.length} passed, ${skipped.length} skipped, 0 failed$`, 'm'));
    // Base images made available during the run (a pull, or a stand-in such as python:3.13-slim-trixie, built
    // when a variant is paired with debianRelease=trixie) are kept on purpose, as a pull is: they are named
    // by a base image of the pack, and every other image and all containers, networks and volumes are gone.
    const after = await inventory(engine);
    const newImages = after.images.filter((id) => !baseline.images.includes(id));
    const unexplained: string[] = [];
    for (const id of newImages) {
      const tags = (await engine.docker(['image', 'inspect', '--format', '{{join .RepoTags " "}}', id])).stdout.trim().split(' ').filter(Boolean);
      if (!tags.length || !tags.every((tag) => /^(python|postgres):[\w.-]+$/.test(tag))) unexplained.push(`${id} ${tags.join(' ') || '(no name)'}`);
      else process.stderr.write(`      base image made available during the run, kept: ${tags.join(' ')}\n`);
    }
    assert.deepEqual(unexplained, [], 'the matrix left images behind');
    assert.deepEqual(baseline.images.filter((id) => !after.images.includes(id)), [], 'the matrix removed images it did not create');
    assert.deepEqual({ ...after, images: [] }, { ...baseline, images: [] }, 'the matrix left containers, networks or volumes behind');
  });
});
