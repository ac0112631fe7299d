/**
 * The whole run matrix of `stagepack test` (every template variant and feature, as `npm start` tests it),
 * run sequentially (--jobs 1) and with --jobs 2 and --jobs 3, one after the other in one session on this
 * machine's engine, each as a new `stagepack test` process. Reported: the wall time of each, its ratio to
 * the sequential run, and whether every run of the matrix ended the same way (passed, skipped or failed) in
 * all three: a faster run that proves less does not count.
 *
 * A warm-up pass (each template with its defaults, --jobs 1) comes first, so that no timed run pays for the
 * stand-in base images, the Compose download or a cold BuildKit cache. The order of the timed runs is
 * 1, 2, 3 jobs. Each `stagepack test` builds an app image without cache the first time it meets its layers
 * and reuses those layers only within itself (see src/testing/app-builds.ts), so the later runs get nothing
 * from the earlier ones.
 *
 * BENCH_MATRIX_JOBS (default "1,2,3") and BENCH_MATRIX_ARGS (extra `stagepack test` arguments, e.g.
 * "--defaults-only" for a short look) change what is run; BENCH_MATRIX_WARMUP=0 leaves the warm-up out when
 * a whole `stagepack test` has just run on this engine. Run: npm run bench:matrix (about 30 minutes).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PACKAGE_ROOT } from '../src/version';

const CLI = path.join(PACKAGE_ROOT, 'bin', 'stagepack.js');
const JOBS = (process.env.BENCH_MATRIX_JOBS ?? '1,2,3').split(',').map(Number).filter((n) => n >= 1);
const EXTRA = (process.env.BENCH_MATRIX_ARGS ?? '').split(' ').filter(Boolean);

interface Timed {
  jobs: number;
  seconds: number;
  code: number | null;
  outcomes: Map<string, string>;
  summary: string;
}

function stagepackTest(args: string[], log: string): Promise<{ code: number | null; seconds: number; stdout: string }> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const out = fs.openSync(log, 'w');
    let stdout = '';
    const child = spawn(process.execPath, [CLI, 'test', ...args], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', out] });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      fs.writeSync(out, chunk);
    });
    child.on('close', (code) => {
      fs.closeSync(out);
      resolve({ code, seconds: Number(process.hrtime.bigint() - started) / 1e9, stdout });
    });
  });
}

/** Each run's outcome, from the JUnit report: one testsuite per run of the matrix. */
function outcomes(junit: string): Map<string, string> {
  const xml = fs.readFileSync(junit, 'utf8');
  const result = new Map<string, string>();
  for (const m of xml.matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)" skipped="(\d+)"/g)) {
    const [, name, tests, failures, skipped] = m;
    // A run that was skipped from its base-image step on skips every step but the clean-up.
    const outcome = Number(failures) > 0 ? 'fail' : Number(skipped) >= Number(tests) - 1 ? 'skip' : 'pass';
    result.set(name.replace(/&quot;/g, '"').replace(/&amp;/g, '&'), outcome);
  }
  return result;
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-bench-matrix-'));
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(`stagepack test matrix benchmark: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; logs in ${work}`);
  try {
    if (process.env.BENCH_MATRIX_WARMUP !== '0') {
      const warm = await stagepackTest(['--defaults-only', '--jobs', '1', ...EXTRA], path.join(work, 'warm-up.log'));
      say(`warm-up (--defaults-only --jobs 1): ${warm.seconds.toFixed(0)} s, exit ${warm.code}`);
    } else say('no warm-up (BENCH_MATRIX_WARMUP=0): the engine was warmed before');
    const timed: Timed[] = [];
    for (const jobs of JOBS) {
      const junit = path.join(work, `jobs-${jobs}.xml`);
      const result = await stagepackTest(['--jobs', String(jobs), '--junit', junit, ...EXTRA], path.join(work, `jobs-${jobs}.log`));
      const summary = /^\d+ passed, \d+ skipped, \d+ failed$/m.exec(result.stdout)?.[0] ?? 'no summary line';
      timed.push({ jobs, seconds: result.seconds, code: result.code, outcomes: fs.existsSync(junit) ? outcomes(junit) : new Map(), summary });
      say(`--jobs ${jobs}: ${result.seconds.toFixed(0)} s (${(result.seconds / 60).toFixed(1)} min), exit ${result.code}: ${summary}`);
    }
    const base = timed[0];
    say('');
    say('| --jobs | wall time | ratio to --jobs 1 | speed-up | result |');
    say('| --- | --- | --- | --- | --- |');
    for (const t of timed) say(`| ${t.jobs} | ${t.seconds.toFixed(0)} s | ${(t.seconds / base.seconds).toFixed(2)} | ${(base.seconds / t.seconds).toFixed(2)}x | ${t.summary} |`);
    const differing = timed.slice(1).flatMap((t) => [...new Set([...base.outcomes.keys(), ...t.outcomes.keys()])].filter((label) => base.outcomes.get(label) !== t.outcomes.get(label)).map((label) => `--jobs ${t.jobs}: ${label} ${t.outcomes.get(label) ?? 'missing'} (sequential: ${base.outcomes.get(label) ?? 'missing'})`));
    say(differing.length ? `\nDIFFERENT RESULTS:\n${differing.join('\n')}` : `\nevery run of the matrix (${base.outcomes.size}) ended the same way with every --jobs`);
    if (differing.length || timed.some((t) => t.code !== 0)) process.exitCode = 1;
  } finally {
    if (!process.exitCode) fs.rmSync(work, { recursive: true, force: true });
  }
}

void main();
