/**
 * Lint speed, measured as the user meets it: wall time of `node bin/stagepack.js lint`, a new process each
 * run, Node's start-up included.
 *
 * 1. The pack (templates/ and features/ of this repository), against `node -e 0` measured in the same run
 *    and interleaved with it, so the report can say how much of the time is Node itself.
 * 2. A generated corpus of 1,000 template folders, each different from every other (its own id, port,
 *    environment and an extra build step, so no Dockerfile or metadata text repeats and no cache can
 *    flatter the figure); every tenth has a defect (a shell-form CMD), so diagnostics are produced too.
 *
 * 3. One template with 1,000 options of three proposals each, every option used in the Dockerfile, so lint
 *    checks 2,001 distinct variants.
 * 4. One template whose Dockerfile is 1 MB of ordinary instructions (about 25,000 ENV, LABEL and RUN lines).
 * 5. One template with a single 750 KB RUN line (70,000 words), the case that took over 60 s before.
 *
 * With BENCH_COLLECTION=<folder>, a folder of template folders from elsewhere (a fetched devcontainers/templates'
 * `src/`: their files are not ours and are not committed), 1,000 template folders are also made by copying its
 * templates in turn, each copy with its own id, and timed like the corpus: a collection as platform teams have
 * them, beside the corpus of copies of one of the heaviest templates of this pack.
 *
 * With BENCH_AGAINST=<commit>, the corpus (and the collection) and the pack are also linted by that commit's
 * CLI, interleaved.
 *
 * Goals (issue "lint is right on the world's templates"): the pack under 300 ms, 1,000 templates under 2 s,
 * 1,000 options under 2 s and the 1 MB Dockerfile under 1 s, each a median of wall time with Node's start-up,
 * reported with its ratio to bare `node -e 0` measured in the same run. Run: npm run bench
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PACKAGE_ROOT } from '../src/version';

const CLI = path.join(PACKAGE_ROOT, 'bin', 'stagepack.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const CORPUS_SIZE = Number(process.env.BENCH_CORPUS ?? 1000);
/** A commit to measure side by side with this one (see compareWith). */
const AGAINST = process.env.BENCH_AGAINST;
/** A folder of template folders to make a second corpus of (see generateFromCollection). */
const COLLECTION = process.env.BENCH_COLLECTION;

function timeOnce(args: string[], cwd: string): { ms: number; status: number | null } {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, status: result.status };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function generateCorpus(dir: string, size: number): void {
  const base = path.join(PACKAGE_ROOT, 'templates', 'flask-gunicorn');
  for (let i = 0; i < size; i++) {
    const id = `corpus-${String(i).padStart(4, '0')}`;
    const target = path.join(dir, 'templates', id);
    fs.cpSync(base, target, { recursive: true });
    const metadataPath = path.join(target, 'devcontainer-template.json');
    fs.writeFileSync(
      metadataPath,
      fs
        .readFileSync(metadataPath, 'utf8')
        .replace('"id": "flask-gunicorn"', `"id": "${id}"`)
        .replace('"name": "Flask + gunicorn (shared base with production)"', `"name": "Corpus template ${i}"`)
        .replace('"default": "8000"', `"default": "${8000 + (i % 900)}"`),
    );
    const dockerfilePath = path.join(target, 'Dockerfile');
    let dockerfile = fs
      .readFileSync(dockerfilePath, 'utf8')
      .replace('WORKDIR /app', `ENV APP_BUILD=${i}\nWORKDIR /app`)
      .replace('FROM base AS app\n', `FROM base AS app\nLABEL org.opencontainers.image.version="1.${i}.0"\n`);
    if (i % 10 === 9) dockerfile = dockerfile.replace(/^CMD \[.*\]$/m, 'CMD gunicorn app:app');
    fs.writeFileSync(dockerfilePath, dockerfile);
  }
}

/**
 * What one corpus template is (it copies flask-gunicorn, which changes with the pack): its size and how many
 * option variants lint checks, so that figures of different commits can be compared knowingly.
 */
function corpusShape(dir: string): string {
  const { files, bytes } = folderStats(dir);
  const metadata = JSON.parse(fs.readFileSync(path.join(dir, 'devcontainer-template.json'), 'utf8')) as { options?: Record<string, unknown> };
  const options = Object.keys(metadata.options ?? {}).length;
  const dockerfile = fs.statSync(path.join(dir, 'Dockerfile')).size;
  return `${files} files, ${(bytes / 1024).toFixed(0)} KB (Dockerfile ${(dockerfile / 1024).toFixed(1)} KB), ${options} options`;
}

/** Regular files under a folder and their bytes (links are not followed). */
function folderStats(dir: string): { files: number; bytes: number } {
  const stats = { files: 0, bytes: 0 };
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const entryPath = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = folderStats(entryPath);
      stats.files += inner.files;
      stats.bytes += inner.bytes;
    } else if (entry.isFile()) {
      stats.files++;
      stats.bytes += fs.statSync(entryPath).size;
    }
  }
  return stats;
}

/**
 * `size` template folders copied in turn from the collection's templates (the folders holding a
 * devcontainer-template.json), each with its own id (`<id>-0007`) so that it matches its folder. Returns what
 * one pass over the collection is, for the report.
 */
function generateFromCollection(collection: string, dir: string, size: number): string {
  const ids = fs
    .readdirSync(collection)
    .filter((id) => fs.existsSync(path.join(collection, id, 'devcontainer-template.json')))
    .sort();
  if (!ids.length) throw new Error(`BENCH_COLLECTION=${collection} holds no template folder (<id>/devcontainer-template.json)`);
  let files = 0;
  let bytes = 0;
  let options = 0;
  for (let i = 0; i < size; i++) {
    const id = ids[i % ids.length];
    const copy = `${id}-${String(i).padStart(4, '0')}`;
    const target = path.join(dir, 'templates', copy);
    // Symbolic links stay links (lint reports them and reads nothing through them).
    fs.cpSync(path.join(collection, id), target, { recursive: true, verbatimSymlinks: true });
    const metadataPath = path.join(target, 'devcontainer-template.json');
    const metadata = fs.readFileSync(metadataPath, 'utf8');
    fs.writeFileSync(metadataPath, metadata.replace(/("id"\s*:\s*)"[^"]*"/, `$1"${copy}"`));
    if (i < ids.length) {
      const stats = folderStats(target);
      files += stats.files;
      bytes += stats.bytes;
      try {
        const declared = (JSON.parse(metadata) as { options?: Record<string, unknown> }).options;
        options += Object.keys(declared ?? {}).length;
      } catch {
        // A metadata file that is not plain JSON: its options are not counted (lint reports it).
      }
    }
  }
  return `${ids.length} templates: ${files} files, ${(bytes / 1024).toFixed(0)} KB, ${options} options in all`;
}

/** Cases 3 and 4: one generated template each, timed like the pack, interleaved with bare Node. */
function generateOptions(dir: string, count: number): void {
  const target = path.join(dir, 'templates', 'many-options');
  fs.cpSync(path.join(PACKAGE_ROOT, 'templates', 'flask-gunicorn'), target, { recursive: true });
  const metadataPath = path.join(target, 'devcontainer-template.json');
  const metadata = JSON.parse(fs.readFileSync(metadataPath, 'utf8')) as { id: string; options: Record<string, unknown> };
  metadata.id = 'many-options';
  const labels: string[] = [];
  for (let i = 0; i < count; i++) {
    metadata.options[`opt${i}`] = { type: 'string', description: `Option ${i}`, default: `a${i}`, proposals: [`a${i}`, `b${i}`, `c${i}`] };
    labels.push(`LABEL org.example.opt${i}="\${templateOption:opt${i}}"`);
  }
  fs.writeFileSync(metadataPath, JSON.stringify(metadata, null, 2));
  const dockerfilePath = path.join(target, 'Dockerfile');
  fs.writeFileSync(dockerfilePath, fs.readFileSync(dockerfilePath, 'utf8').replace('FROM base AS app\n', `FROM base AS app\n${labels.join('\n')}\n`));
}

function generateBigDockerfile(dir: string, bytes: number, longRunWords = 0): number {
  const target = path.join(dir, 'templates', 'big-dockerfile');
  fs.cpSync(path.join(PACKAGE_ROOT, 'templates', 'flask-gunicorn'), target, { recursive: true });
  const metadataPath = path.join(target, 'devcontainer-template.json');
  fs.writeFileSync(metadataPath, fs.readFileSync(metadataPath, 'utf8').replace('"id": "flask-gunicorn"', '"id": "big-dockerfile"'));
  const dockerfilePath = path.join(target, 'Dockerfile');
  const original = fs.readFileSync(dockerfilePath, 'utf8');
  const longRun = longRunWords ? `RUN echo ${Array.from({ length: longRunWords }, (_, i) => `w${i}`).join(' ')} && pip install --no-cache-dir flask\n` : '';
  const steps: string[] = [longRun];
  let size = original.length + longRun.length;
  for (let i = 0; size < bytes - 200; i++) {
    const step = [`ENV STEP_${i}=value-${i}`, `LABEL org.example.step${i}="${i}"`, `RUN test -n "$STEP_${i}" && echo step ${i} >/dev/null`][i % 3];
    steps.push(`${step}\n`);
    size += step.length + 1;
  }
  const text = original.replace('FROM base AS builder\n', `FROM base AS builder\n${steps.join('')}`);
  fs.writeFileSync(dockerfilePath, text);
  return Buffer.byteLength(text);
}

/**
 * BENCH_AGAINST=<commit>: the same corpus and this pack linted by that commit's CLI and by this one, runs
 * interleaved with bare Node, so that a speed-up is measured side by side in one run (these machines are
 * noisy, and a figure from another day is from another machine). The commit is built in a temporary git
 * worktree (sharing this clone's node_modules), which is removed afterwards.
 */
function compareWith(say: (line: string) => void, ref: string, corpora: readonly string[], runs: number): void {
  const worktree = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-bench-against-'));
  const git = (...args: string[]) => {
    const result = spawnSync('git', args, { cwd: PACKAGE_ROOT, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr.trim()}`);
    return result.stdout.trim();
  };
  const commit = git('rev-parse', '--short', ref);
  fs.rmdirSync(worktree);
  git('worktree', 'add', '--detach', worktree, commit);
  try {
    fs.symlinkSync(path.join(PACKAGE_ROOT, 'node_modules'), path.join(worktree, 'node_modules'));
    const build = spawnSync(process.execPath, [path.join(PACKAGE_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], { cwd: worktree, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`building ${commit} failed: ${build.stdout}${build.stderr}`);
    const schemas = path.join(worktree, 'dist', 'src', 'lint', 'compile-schemas.js');
    if (fs.existsSync(schemas)) spawnSync(process.execPath, [schemas], { cwd: worktree });
    // The bundle and its code cache, for a commit whose CLI starts from them (5e8ba73 on).
    const bundle = path.join(worktree, 'dist', 'src', 'build-bundle.js');
    if (fs.existsSync(bundle)) {
      const built = spawnSync(process.execPath, [bundle], { cwd: worktree, encoding: 'utf8' });
      if (built.status !== 0) throw new Error(`bundling ${commit} failed: ${built.stdout}${built.stderr}`);
    }
    const theirs = path.join(worktree, 'bin', 'stagepack.js');
    const here = git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--untracked-files=no') ? ' (with uncommitted changes)' : '');
    const cases: [string, string[], string][] = [
      ...corpora.map((dir, i): [string, string[], string] => [`${i ? 'collection' : 'corpus'} (${CORPUS_SIZE} templates)`, ['lint', dir, '--format', 'json'], dir]),
      ['pack', ['lint', PACKAGE_ROOT, '--format', 'json'], PACKAGE_ROOT],
    ];
    for (const [label, args, cwd] of cases) {
      const node: number[] = [];
      const old: number[] = [];
      const now: number[] = [];
      timeOnce([theirs, ...args], cwd);
      for (let i = 0; i < runs; i++) {
        node.push(timeOnce(['-e', '0'], cwd).ms);
        const a = timeOnce([theirs, ...args], cwd);
        const b = timeOnce([CLI, ...args], cwd);
        if ((a.status !== 0 && a.status !== 1) || (b.status !== 0 && b.status !== 1)) throw new Error(`lint of the ${label} exited ${a.status} (${commit}) and ${b.status} (${here})`);
        old.push(a.ms);
        now.push(b.ms);
      }
      say(`side by side, ${label}, ${runs} runs interleaved: ${commit} ${median(old).toFixed(0)} ms, ${here} ${median(now).toFixed(0)} ms, ratio ${(median(now) / median(old)).toFixed(2)}; bare \`node -e 0\` ${median(node).toFixed(0)} ms`);
    }
  } finally {
    spawnSync('git', ['worktree', 'remove', '--force', worktree], { cwd: PACKAGE_ROOT });
    fs.rmSync(worktree, { recursive: true, force: true });
  }
}

/**
 * Lint of a corpus, each run interleaved with bare Node; the exit code must be one of `statuses`. Prints the
 * median with its ratio and the goal (under 2 s), and returns the diagnostics of one more run.
 */
function timeCorpus(say: (line: string) => void, label: string, dir: string, runs: number, statuses: readonly number[]): { ruleId: string; severity: string }[] {
  const cli: number[] = [];
  const node: number[] = [];
  timeOnce([CLI, 'lint', dir, '--format', 'json'], dir);
  for (let i = 0; i < runs; i++) {
    node.push(timeOnce(['-e', '0'], dir).ms);
    const run = timeOnce([CLI, 'lint', dir, '--format', 'json'], dir);
    if (run.status === null || !statuses.includes(run.status)) throw new Error(`lint of ${label} exited ${run.status}; expected ${statuses.join(' or ')}`);
    cli.push(run.ms);
  }
  say(`${label}: ${median(cli).toFixed(0)} ms (min ${Math.min(...cli).toFixed(0)}, max ${Math.max(...cli).toFixed(0)}); ${(median(cli) / CORPUS_SIZE).toFixed(2)} ms per template; ${(median(cli) / median(node)).toFixed(1)}x bare Node start-up (${median(node).toFixed(0)} ms) in the same run; goal < 2000 ms: ${median(cli) < 2000 ? 'met' : 'NOT met'}`);
  const result = spawnSync(process.execPath, [CLI, 'lint', dir, '--format', 'json'], { cwd: dir, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
  return JSON.parse(result.stdout) as { ruleId: string; severity: string }[];
}

function timeCase(say: (line: string) => void, label: string, dir: string, goalMs: number, runs: number): void {
  const cli: number[] = [];
  const node: number[] = [];
  const warm = timeOnce([CLI, 'lint', dir, '--format', 'json'], dir);
  if (warm.status !== 0 && warm.status !== 1) throw new Error(`lint of ${label} exited ${warm.status}`);
  for (let i = 0; i < runs; i++) {
    node.push(timeOnce(['-e', '0'], dir).ms);
    cli.push(timeOnce([CLI, 'lint', dir, '--format', 'json'], dir).ms);
  }
  say(`${label}: ${median(cli).toFixed(0)} ms (min ${Math.min(...cli).toFixed(0)}, max ${Math.max(...cli).toFixed(0)}); bare \`node -e 0\`: ${median(node).toFixed(0)} ms; ratio ${(median(cli) / median(node)).toFixed(1)}x; goal < ${goalMs} ms: ${median(cli) < goalMs ? 'met' : 'NOT met'}`);
}

function main(): void {
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };
  say(`stagepack lint benchmark: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), Node ${process.version}, ${RUNS} runs each, medians`);

  // 1. The pack, interleaved with bare Node so both see the same machine state.
  const node: number[] = [];
  const pack: number[] = [];
  timeOnce([CLI, 'lint'], PACKAGE_ROOT); // warm the file system cache once
  for (let i = 0; i < RUNS; i++) {
    node.push(timeOnce(['-e', '0'], PACKAGE_ROOT).ms);
    const run = timeOnce([CLI, 'lint'], PACKAGE_ROOT);
    if (run.status !== 0) throw new Error(`stagepack lint on the pack exited ${run.status}`);
    pack.push(run.ms);
  }
  const templates = fs.readdirSync(path.join(PACKAGE_ROOT, 'templates')).length;
  const features = fs.existsSync(path.join(PACKAGE_ROOT, 'features')) ? fs.readdirSync(path.join(PACKAGE_ROOT, 'features')).length : 0;
  say(`pack (${templates} templates, ${features} features): ${median(pack).toFixed(0)} ms (min ${Math.min(...pack).toFixed(0)}); bare \`node -e 0\`: ${median(node).toFixed(0)} ms; ratio ${(median(pack) / median(node)).toFixed(1)}x; goal < 300 ms: ${median(pack) < 300 ? 'met' : 'NOT met'}`);

  // 2. The corpus.
  const corpus = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-bench-'));
  const collectionCorpus = COLLECTION ? fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-bench-collection-')) : undefined;
  try {
    const generated = Date.now();
    generateCorpus(corpus, CORPUS_SIZE);
    say(`corpus: ${CORPUS_SIZE} distinct templates generated in ${((Date.now() - generated) / 1000).toFixed(1)} s (not timed below); each ${corpusShape(path.join(corpus, 'templates', 'corpus-0000'))}`);
    const corpusRunsCount = Math.max(3, Math.ceil(RUNS / 3));
    const diagnostics = timeCorpus(say, `corpus (${CORPUS_SIZE} templates, ${corpusRunsCount} runs)`, corpus, corpusRunsCount, [1]);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    say(`  ${errors.length} errors found (${errors.filter((d) => d.ruleId === 'app-exec-form').length} app-exec-form, expected ${Math.floor(CORPUS_SIZE / 10)})`);
    if (COLLECTION && collectionCorpus) {
      const made = Date.now();
      const shape = generateFromCollection(COLLECTION, collectionCorpus, CORPUS_SIZE);
      say(`collection ${COLLECTION}: ${shape}; ${CORPUS_SIZE} copies made in ${((Date.now() - made) / 1000).toFixed(1)} s (not timed below)`);
      const found = timeCorpus(say, `collection (${CORPUS_SIZE} templates, ${corpusRunsCount} runs)`, collectionCorpus, corpusRunsCount, [0, 1]);
      const bySeverity = (severity: string) => found.filter((d) => d.severity === severity).length;
      say(`  ${found.length} diagnostics (${bySeverity('error')} errors, ${bySeverity('warning')} warnings, ${bySeverity('info')} info)`);
    }
    if (AGAINST) compareWith(say, AGAINST, collectionCorpus ? [corpus, collectionCorpus] : [corpus], corpusRunsCount);
  } finally {
    fs.rmSync(corpus, { recursive: true, force: true });
    if (collectionCorpus) fs.rmSync(collectionCorpus, { recursive: true, force: true });
  }

  // 3 and 4.
  const single = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-bench-'));
  try {
    generateOptions(path.join(single, 'options'), 1000);
    timeCase(say, 'one template, 1,000 options x 3 proposals (2,001 variants)', path.join(single, 'options'), 2000, Math.max(3, Math.ceil(RUNS / 3)));
    const size = generateBigDockerfile(path.join(single, 'big'), 1_000_000);
    timeCase(say, `one template, a ${(size / 1e6).toFixed(2)} MB Dockerfile`, path.join(single, 'big'), 1000, Math.max(3, Math.ceil(RUNS / 3)));
    generateBigDockerfile(path.join(single, 'long-run'), 0, 70_000);
    timeCase(say, 'one template, one 750 KB RUN line', path.join(single, 'long-run'), 1000, Math.max(3, Math.ceil(RUNS / 3)));
  } finally {
    fs.rmSync(single, { recursive: true, force: true });
  }
}

main();
