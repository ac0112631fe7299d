import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readText } from '../../pack';
import {
  ChecksFileError, checkTitle, commandVerdict, declaredHttpVerdict, fileVerdict, mergeChecks, parseChecksFile, PROJECT_CHECKS_FILE, TEMPLATE_CHECKS_FILE, withNonce,
  type DeclaredCheck,
} from '../declared-checks';
import { StepFailure, StepSkip } from '../steps';
import { failure, httpFollow, logFile, need, verdict, withKnownFailure, type TemplateRunState } from '../template-run';
import type { TemplateStep } from './step';

/**
 * The checks the template and the project declare (see ../declared-checks.ts), each its own step with the id
 * `check:<id>`, run against the running app container after the built-in checks and before it is stopped.
 */

/** The declared checks of the applied workspace; a file that cannot be used throws a ChecksFileError. */
export function declaredChecksOf(workspace: string): DeclaredCheck[] {
  const read = (relative: string): DeclaredCheck[] => {
    const file = path.join(workspace, relative);
    if (!fs.existsSync(file) && !isLink(file)) return [];
    const text = readText(file, relative, path.basename(relative));
    if (!('text' in text)) throw new ChecksFileError(relative, { line: 1, column: 1 }, `cannot be read as a checks file (${text.reason}${text.detail ? `: ${text.detail}` : ''})`, `make ${relative} a regular JSON file, or remove it`);
    return parseChecksFile(text.text, relative);
  };
  return mergeChecks(read(TEMPLATE_CHECKS_FILE), read(PROJECT_CHECKS_FILE));
}

function isLink(file: string): boolean {
  return fs.lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink() ?? false;
}

/** One word per run for `{{nonce}}`: letters and digits only, so it is literal in a pattern and a URL. */
function nonceOf(state: TemplateRunState): string {
  state.app.nonce ??= `sp${randomBytes(6).toString('hex')}`;
  return state.app.nonce;
}

async function runCheck(state: TemplateRunState, check: DeclaredCheck): Promise<string> {
  if (check.skip) throw new StepSkip(`${check.skip} (declared in ${check.source})`);
  const { engine } = state.context;
  const container = need(state.app.container, 'the app container');
  const nonce = nonceOf(state);
  if (check.kind === 'command') {
    const log = logFile(state, `check-${check.id}`);
    const command = check.command.map((word) => withNonce(word, nonce));
    const result = await engine.docker(['exec', container, ...command], { logFile: log, timeoutMs: check.timeoutSeconds * 1000 });
    if (result.timedOut || result.spawnError) throw failure(`${command.join(' ')} did not finish in the app container`, result, log);
    return verdict(commandVerdict(check, result.code, `${result.stdout}${result.stderr}`, nonce));
  }
  if (check.kind === 'file') {
    // `test -e` through the image's sh, as the app's user; a dangling link counts as there (-L).
    const result = await engine.docker(['exec', container, 'sh', '-c', 'test -e "$1" || test -L "$1"', 'sh', check.path]);
    if (result.code !== 0 && result.code !== 1) throw failure(`could not look for ${check.path} in the app container (it needs sh)`, result);
    return verdict(fileVerdict(check, result.code === 0));
  }
  const base = `http://127.0.0.1:${need(state.app.hostPort, 'the app port')}/`;
  const answer = await httpFollow(base, withNonce(check.path, nonce), 5, {
    method: check.method,
    headers: check.headers,
    body: check.body === undefined ? undefined : withNonce(check.body, nonce),
  }, check.followRedirects);
  const answered = declaredHttpVerdict(check, answer, nonce);
  // A server error whose cause the app's log names (a missing table, a write the image refuses) gets that fix.
  if (!answered.ok && (answer.hops.at(-1)?.status ?? 0) >= 500) throw new StepFailure(await withKnownFailure(state, container, answered.detail));
  return verdict(answered);
}

export const declaredChecks: TemplateStep = {
  id: 'declared-checks',
  title: 'the declared checks (.devcontainer/stagepack-checks.json, project-checks.json)',
  run: async () => 'expanded',
  expand: (state) => {
    let checks: DeclaredCheck[];
    try {
      checks = declaredChecksOf(state.workspace);
    } catch (error) {
      // Recorded as a failed step either way: a file we cannot use, or (anything else) a fault of ours.
      const thrown = error instanceof ChecksFileError ? new StepFailure(`${error.message}\nfix: ${error.fix}`) : error;
      return [{ id: 'declared-checks', title: 'read the declared checks', run: async () => { throw thrown; } }];
    }
    return checks.map((check) => ({ id: `check:${check.id}`, title: checkTitle(check), run: (s: TemplateRunState) => runCheck(s, check) }));
  },
};
