import * as path from 'node:path';
import { ok, run, tail } from '../proc';

/**
 * What changed in a git work tree, for `stagepack test --changed [REF]`: what HEAD committed since its merge
 * base with REF (the main branch when no REF is given: origin's HEAD, else origin/main, origin/master, main,
 * master), which is what a pull request adds, plus staged and unstaged edits and untracked files that are
 * not ignored.
 */

export class ChangesError extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
    this.name = 'ChangesError';
  }
}

export interface Changes {
  /** The commit compared with, and how it was chosen (for the log line). */
  base: string;
  how: string;
  /** Changed paths, absolute. */
  files: string[];
}

const MAIN_BRANCHES = ['origin/main', 'origin/master', 'main', 'master'];

export async function changedFiles(dir: string, ref?: string): Promise<Changes> {
  const gitIn = (cwd: string) => (args: string[]) => run('git', args, { cwd, timeoutMs: 60_000, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
  const top = await gitIn(dir)(['rev-parse', '--show-toplevel']);
  if (!ok(top)) throw new ChangesError(`${dir} is not in a git work tree (${tail(top, 1)})`, 'run --changed inside a clone of the pack, or name the templates to test');
  const root = top.stdout.trim();
  // From the top: both listings below are then relative to it (ls-files lists relative to its folder).
  const git = gitIn(root);
  let base: string;
  let how: string;
  let against: string;
  if (ref !== undefined) {
    const resolved = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
    if (!ok(resolved)) throw new ChangesError(`--changed ${ref}: no such commit in ${root}`, 'name a branch, tag or commit that exists here (a shallow CI clone may need `git fetch` of it first)');
    against = ref;
  } else {
    const main = await mainBranch(git);
    if (!main) throw new ChangesError(`--changed: no main branch to compare with in ${root} (none of origin/HEAD, ${MAIN_BRANCHES.join(', ')})`, 'give the ref to compare with: --changed REF');
    against = main;
  }
  // What this branch changed since it left `against` (git diff against...HEAD, as a pull request shows it):
  // commits that reached `against` afterwards are not this branch's changes.
  const mergeBase = await git(['merge-base', 'HEAD', '--end-of-options', against]);
  if (!ok(mergeBase)) throw new ChangesError(`--changed: HEAD and ${against} have no common commit (${tail(mergeBase, 1)})`, 'fetch the full history (actions/checkout with fetch-depth: 0), or give the ref: --changed REF');
  base = mergeBase.stdout.trim();
  how = `the merge base with ${against}`;
  const diff = await git(['diff', '--name-only', '-z', '--no-renames', base, '--']);
  const untracked = await git(['ls-files', '--others', '--exclude-standard', '-z']);
  if (!ok(diff) || !ok(untracked)) throw new ChangesError(`git could not list the changes since ${how}: ${tail(ok(diff) ? untracked : diff, 2)}`, 'check the clone with `git status`');
  const names = [...diff.stdout.split('\0'), ...untracked.stdout.split('\0')].filter(Boolean);
  return { base, how, files: [...new Set(names)].map((name) => path.join(root, name)) };
}

async function mainBranch(git: (args: string[]) => ReturnType<typeof run>): Promise<string | undefined> {
  const originHead = await git(['symbolic-ref', '--quiet', '--short', 'refs/remotes/origin/HEAD']);
  if (ok(originHead) && originHead.stdout.trim()) return originHead.stdout.trim();
  for (const candidate of MAIN_BRANCHES) {
    if (ok(await git(['rev-parse', '--verify', '--quiet', `${candidate}^{commit}`]))) return candidate;
  }
  return undefined;
}
