import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { discoverTargets, loadTarget, templateOptions, type TargetRef } from '../../src/pack';
import { optionVariants } from '../../src/template-options';
import { changedFiles, ChangesError } from '../../src/testing/git-changes';
import { entriesTouchedBy, listed, parseShard, selectByLabel, shardOf, testMatrix, type MatrixEntry } from '../../src/testing/matrix';
import { runPool } from '../../src/testing/pool';
import { PACKAGE_ROOT } from '../../src/version';

function packMatrix(defaultsOnly = false): { entries: MatrixEntry[]; templates: TargetRef[]; features: TargetRef[] } {
  const found = discoverTargets([PACKAGE_ROOT], PACKAGE_ROOT);
  assert.ok(found.ok);
  const templates = found.targets.filter((t) => t.kind === 'template');
  const features = found.targets.filter((t) => t.kind === 'feature');
  const entries = testMatrix({ templates, features, featureHost: templates[0], variantsOf: (t) => optionVariants(templateOptions(loadTarget(t))), defaultsOnly });
  return { entries, templates, features };
}

describe('the run matrix of stagepack test', () => {
  it('holds every template variant, then each feature with its run on the host template, labelled as reports name them', () => {
    const { entries, templates, features } = packMatrix();
    const variants = templates.reduce((n, t) => n + optionVariants(templateOptions(loadTarget(t))).length, 0);
    assert.equal(entries.length, variants + 2 * features.length);
    assert.equal(new Set(entries.map((e) => e.label)).size, entries.length, 'labels are unique');
    assert.ok(entries.some((e) => e.label === 'flask-gunicorn[port=8080]' && e.kind === 'template'));
    const host = templates[0].folderName;
    for (const feature of features) {
      const own = entries.findIndex((e) => e.label === feature.folderName);
      assert.equal(entries[own].kind, 'feature');
      assert.equal(entries[own + 1].label, `${host}[+${feature.folderName}]`);
      assert.equal(entries[own + 1].kind, 'feature-with-template');
    }
    assert.equal(packMatrix(true).entries.length, templates.length + 2 * features.length, '--defaults-only keeps one run per template');
  });

  it('deals the matrix into N shards that partition it exactly, for every N up to its size and beyond', () => {
    const { entries } = packMatrix();
    for (let count = 1; count <= entries.length + 2; count++) {
      const seen = new Map<string, number>();
      for (let index = 1; index <= count; index++) for (const e of shardOf(entries, { index, count })) seen.set(e.label, (seen.get(e.label) ?? 0) + 1);
      assert.deepEqual([...seen.keys()].sort(), entries.map((e) => e.label).sort(), `N=${count}: every entry in some shard`);
      assert.ok([...seen.values()].every((n) => n === 1), `N=${count}: no entry in two shards`);
      const sizes = Array.from({ length: count }, (_, i) => shardOf(entries, { index: i + 1, count }).length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `N=${count}: shards differ by one entry at most (${sizes.join(',')})`);
    }
  });

  it('reads K/N shards and refuses anything else', () => {
    assert.deepEqual(parseShard('2/3'), { index: 2, count: 3 });
    assert.deepEqual(parseShard(' 1/1 '), { index: 1, count: 1 });
    for (const bad of ['0/3', '4/3', '1/0', '1', '1/', '/3', 'a/b', '-1/3', '1.5/3', '1/3/5', '']) assert.equal(parseShard(bad), undefined, bad);
  });

  it('selects entries by label and names the labels it does not know', () => {
    const { entries } = packMatrix();
    const { selected, unknown } = selectByLabel(entries, ['flask-gunicorn[workers=4]', 'pipenv', 'flask-gunicorn[port=1]']);
    assert.deepEqual(selected.map((e) => e.label), ['flask-gunicorn[workers=4]', 'pipenv']);
    assert.deepEqual(unknown, ['flask-gunicorn[port=1]']);
  });

  it('lists each entry with the arguments that run it alone', () => {
    const { entries } = packMatrix();
    const variant = entries.find((e) => e.label === 'flask-gunicorn[port=8080]');
    assert.ok(variant);
    assert.deepEqual(listed(variant, [], ['--app', 'x']), { label: 'flask-gunicorn[port=8080]', kind: 'template', template: 'flask-gunicorn', option: 'port', value: '8080', args: ['test', '--only', 'flask-gunicorn[port=8080]', '--app', 'x'] });
    const withFeature = entries.find((e) => e.kind === 'feature-with-template');
    assert.ok(withFeature);
    assert.deepEqual(listed(withFeature, ['django', 'pipenv']).args, ['test', 'django', 'pipenv', '--only', withFeature.label]);
    // Every listed entry, run with its own arguments, selects exactly itself.
    for (const entry of entries) assert.deepEqual(selectByLabel(entries, [listed(entry).args[2]]).selected, [entry]);
  });

  it('keeps the runs a change touches: a template (or its sample app), a feature (or its tests) and the pairs of both', () => {
    const { entries, templates, features } = packMatrix();
    const host = templates[0];
    const other = templates.find((t) => t.folderName === 'flask-gunicorn');
    assert.ok(other);
    const feature = features[0];
    const inputs = {
      templateDirs: (t: TargetRef) => [t.absDir, path.join(PACKAGE_ROOT, 'test', 'fixtures', 'apps', t.folderName.split('-')[0])],
      featureDirs: (f: TargetRef) => [f.absDir, path.join(PACKAGE_ROOT, 'test', f.folderName)],
    };
    const labels = (files: string[]) => entriesTouchedBy(entries, files, inputs).map((e) => e.label);
    const otherVariants = entries.filter((e) => e.kind === 'template' && e.template === other).map((e) => e.label);
    assert.deepEqual(labels([path.join(other.absDir, 'Dockerfile')]), otherVariants);
    assert.deepEqual(labels([path.join(PACKAGE_ROOT, 'test', 'fixtures', 'apps', 'flask', 'src', 'app.py')]).filter((l) => l.startsWith('flask-gunicorn')), otherVariants, 'the sample app is an input');
    assert.deepEqual(labels([path.join(PACKAGE_ROOT, 'test', feature.folderName, 'test.sh')]), [feature.folderName, `${host.folderName}[+${feature.folderName}]`]);
    const hostChanged = labels([path.join(host.absDir, '.devcontainer', 'devcontainer.json')]);
    for (const f of features) assert.ok(hostChanged.includes(`${host.folderName}[+${f.folderName}]`), 'a changed host template retests its runs with each feature');
    assert.ok(!hostChanged.includes(feature.folderName), "but not the feature's own tests");
    assert.deepEqual(labels([path.join(PACKAGE_ROOT, 'README.md'), path.join(PACKAGE_ROOT, 'templates-old', 'x')]), [], 'a file outside every input, or a sibling folder whose name extends one, touches nothing');
  });
});

describe('what changed in a git clone (--changed)', () => {
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' } });
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
    fs.writeFileSync(path.join(repo, rel), text);
  };
  before(() => {
    repo = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-changed-')));
    git('init', '--quiet', '--initial-branch', 'main');
    write('templates/a/Dockerfile', 'FROM x\n');
    write('templates/b/Dockerfile', 'FROM y\n');
    write('.gitignore', 'ignored/\n');
    git('add', '.');
    git('commit', '--quiet', '-m', 'one');
    git('checkout', '--quiet', '-b', 'topic');
    write('templates/a/Dockerfile', 'FROM z\n');
    git('commit', '--quiet', '-am', 'two');
    write('templates/b/README.md', 'new, untracked\n');
    write('ignored/file', 'not listed\n');
  });
  after(() => fs.rmSync(repo, { recursive: true, force: true }));

  it('lists committed, edited and untracked files since the merge base with main, never ignored ones', async () => {
    write('templates/a/NOTES.md', 'x');
    git('add', 'templates/a/NOTES.md');
    const changes = await changedFiles(path.join(repo, 'templates'));
    assert.equal(changes.how, 'the merge base with main');
    assert.equal(changes.base, git('rev-parse', 'main').trim());
    assert.deepEqual(changes.files.sort(), ['templates/a/Dockerfile', 'templates/a/NOTES.md', 'templates/b/README.md'].map((f) => path.join(repo, f)));
    git('rm', '--quiet', '--cached', 'templates/a/NOTES.md');
    fs.rmSync(path.join(repo, 'templates/a/NOTES.md'));
  });

  it('compares with a given ref, and names a ref that does not exist, or a folder outside git, with the fix', async () => {
    assert.deepEqual((await changedFiles(repo, 'HEAD')).files, [path.join(repo, 'templates/b/README.md')]);
    // What main gained after the branch left it is not the branch's change.
    git('checkout', '--quiet', 'main');
    write('templates/c/Dockerfile', 'FROM c\n');
    git('add', 'templates/c/Dockerfile');
    git('commit', '--quiet', '-m', 'main moves on');
    git('checkout', '--quiet', 'topic');
    const sinceMain = await changedFiles(repo, 'main');
    assert.equal(sinceMain.how, 'the merge base with main');
    assert.deepEqual(sinceMain.files.sort(), ['templates/a/Dockerfile', 'templates/b/README.md'].map((f) => path.join(repo, f)));
    await assert.rejects(changedFiles(repo, 'no-such-branch'), (error: unknown) => error instanceof ChangesError && /no such commit/.test(error.message) && /fetch/.test(error.fix));
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-not-git-'));
    try {
      await assert.rejects(changedFiles(outside), (error: unknown) => error instanceof ChangesError && /not in a git work tree/.test(error.message));
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('the run pool', () => {
  it('runs at most N at once and keeps results in input order', async () => {
    let running = 0;
    let peak = 0;
    const results = await runPool([30, 5, 20, 1, 10, 2], 3, async (ms, i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running--;
      return i;
    });
    assert.deepEqual(results, [0, 1, 2, 3, 4, 5]);
    assert.equal(peak, 3);
  });

  it('starts nothing more once told to stop', async () => {
    let stop = false;
    const started: number[] = [];
    const results = await runPool([1, 2, 3, 4], 1, async (n) => {
      started.push(n);
      if (n === 2) stop = true;
      return n;
    }, { stop: () => stop });
    assert.deepEqual(started, [1, 2]);
    assert.deepEqual(results, [1, 2, undefined, undefined]);
  });

  it('runs exclusive tasks one at a time, in a lane that starts at once, beside the others', async () => {
    const items = ['t1', 't2', 't3', 't4', 'f1', 'f2', 'f3'];
    let exclusiveInside = 0;
    let peak = 0;
    const starts: string[] = [];
    const results = await runPool(items, 2, async (item) => {
      starts.push(item);
      const exclusive = item.startsWith('f');
      if (exclusive) assert.equal(exclusiveInside++, 0, `${item} overlapped another exclusive task`);
      await new Promise((resolve) => setTimeout(resolve, exclusive ? 15 : 10));
      if (exclusive) exclusiveInside--;
      peak = Math.max(peak, starts.length);
      return item.toUpperCase();
    }, { exclusive: (item) => item.startsWith('f') });
    assert.deepEqual(results, items.map((i) => i.toUpperCase()), 'results in input order');
    assert.equal(starts[0], 'f1', 'the exclusive lane starts first, not after every other task');
    assert.equal(peak, items.length);
  });

  it('never runs two exclusive tasks at once, even with a worker free', async () => {
    const order: string[] = [];
    const run = runPool(['f1', 'f2'], 2, async (item) => {
      order.push(`${item}+`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      order.push(`${item}-`);
      return item;
    }, { exclusive: () => true });
    assert.deepEqual(await run, ['f1', 'f2']);
    assert.deepEqual(order, ['f1+', 'f1-', 'f2+', 'f2-'], 'never two at once, even with a free worker');
  });
});
