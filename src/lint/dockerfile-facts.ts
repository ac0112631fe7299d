import { type Instruction, type Stage } from '../dockerfile';
import type { Position } from '../diagnostics';
import { TextCache } from '../text-cache';

/**
 * Facts about a Dockerfile that several rules share: the chain of stages the production image is built
 * from, RUN commands split into shell commands, mount flags, exec form. Pure functions over the AST.
 */

export function instructionsOf(stages: readonly Stage[], keyword?: string): Instruction[] {
  const found: Instruction[] = [];
  for (const stage of stages) {
    for (let i = 1; i < stage.instructions.length; i++) {
      const instruction = stage.instructions[i];
      if (!keyword || instruction.keyword === keyword) found.push(instruction);
    }
  }
  return found;
}

export function positionOfInstruction(instruction: Instruction): Position {
  return instruction.position;
}

/** The command of a RUN (or the like) without its flags, continuation lines joined, comments dropped. */
export function commandText(instruction: Instruction): string {
  return instruction.command;
}

/**
 * How much command text the caches below keep before starting over: more than the largest Dockerfile lint
 * reads (1 MiB), so that one never makes every rule split every RUN again; counted in characters, not
 * commands, so that a collection of long RUN lines cannot make them grow without bound.
 */
const CACHE_BUDGET = 4_000_000;

/** Simple commands of a shell line: split on `&&`, `||`, `;` and `|`; good enough to find apt-get and pip calls. */
export function shellCommands(command: string): string[][] {
  return shellCommandCache.get(command);
}

/** Several rules split the same RUN, and option variants repeat most commands unchanged. */
const shellCommandCache = new TextCache(
  (command) =>
    command
      .split(/&&|\|\||;|\|/)
      .map((part) => part.trim().split(/\s+/).filter(Boolean))
      .filter((words) => words.length > 0),
  CACHE_BUDGET,
);

export interface MountFlag {
  type: string;
  target?: string;
  id?: string;
  source?: string;
  options: Record<string, string>;
}

/** `RUN --mount=type=cache,target=/root/.cache/pip` flags, parsed. */
export function mounts(instruction: Instruction): MountFlag[] {
  return instruction.flags
    .filter((f) => f.name === 'mount')
    .map((f) => ({
      type: f.options.type || 'bind',
      target: f.options.target ?? f.options.dst ?? f.options.destination,
      id: f.options.id,
      source: f.options.source ?? f.options.src,
      options: f.options,
    }));
}

/** Exec form (`CMD ["gunicorn", ...]`): a JSON array of strings. */
export function isExecForm(instruction: Instruction): boolean {
  return execFormWords(instruction.args) !== undefined;
}

/** The words of a CMD or ENTRYPOINT, from exec or shell form. */
export function commandWords(instruction: Instruction): string[] {
  return execFormWords(instruction.args) ?? instruction.args.trim().split(/\s+/).filter(Boolean);
}

/** The JSON array of an exec-form instruction, or undefined for shell form; remembered by text. */
function execFormWords(args: string): string[] | undefined {
  return execFormCache.get(args);
}

const execFormCache = new TextCache((args): string[] | undefined => {
  const text = args.trim();
  if (!text.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined;
  } catch {
    return undefined;
  }
}, CACHE_BUDGET);

/** Debian/Alpine packages installed by a RUN command (`apt-get install`, `apt install`, `apk add`). */
export function installedPackages(command: string): string[] {
  const packages: string[] = [];
  for (const words of shellCommands(command)) {
    const start = installIndex(words);
    if (start < 0) continue;
    for (const word of words.slice(start + 1)) if (!word.startsWith('-') && !word.includes('$')) packages.push(word.replace(/[=:].*$/, ''));
  }
  return packages;
}

function installIndex(words: string[]): number {
  const tool = words.findIndex((w) => w === 'apt-get' || w === 'apt' || w === 'apk');
  if (tool < 0) return -1;
  const verb = words.findIndex((w, i) => i > tool && (w === 'install' || w === 'add'));
  return verb;
}

/** The last instruction with this keyword along a chain of stages (the one that takes effect). */
export function effective(stages: readonly Stage[], keyword: string): Instruction | undefined {
  return instructionsOf(stages, keyword).at(-1);
}

/** True when a RUN installs Python dependencies (pip, pipenv, poetry, uv); remembered by command. */
export function isDependencyInstall(command: string): boolean {
  return dependencyInstallCache.get(command);
}

const dependencyInstallCache = new TextCache((command) => detectDependencyInstall(command), CACHE_BUDGET);

/** pip's general options that take a value as the next word (`pip --python /opt/venv/bin/python install`). */
const PIP_VALUE_OPTIONS = new Set(['--python', '--log', '--proxy', '--retries', '--timeout', '--exists-action', '--trusted-host', '--cert', '--client-cert', '--cache-dir', '--keyring-provider', '--use-feature', '--use-deprecated']);

/**
 * The pip subcommand of one shell command's words (`pip3 -q install ...`, `python -m pip --python X install`,
 * `/opt/venv/bin/pip install`) starting at word `start`, skipping pip's general options; undefined when the
 * command is not pip. The option skipping is linear but only runs from a word that is pip itself.
 */
export function pipSubcommand(words: readonly string[], start = 0): string | undefined {
  // Both patterns below need one of these words: most words of a long RUN have neither.
  const first = words[start] ?? '';
  if (!first.includes('pip') && !first.includes('python')) return undefined;
  let i: number;
  if (/(^|\/)pip3?(\.\d+)?$/.test(words[start] ?? '')) i = start + 1;
  else if (/(^|\/)python[\d.]*$/.test(words[start] ?? '') && words[start + 1] === '-m' && words[start + 2] === 'pip') i = start + 3;
  else return undefined;
  while (i < words.length && words[i].startsWith('-')) i += PIP_VALUE_OPTIONS.has(words[i]) ? 2 : 1;
  return words[i];
}

/** True when the words run `pip install` (also behind a wrapper such as `sudo` or `env X=1`). */
export function runsPipInstall(words: readonly string[]): boolean {
  // From each word in place (no slice per word: a 750 KB RUN line has tens of thousands of words).
  return words.some((_, i) => pipSubcommand(words, i) === 'install');
}

function detectDependencyInstall(command: string): boolean {
  return shellCommands(command).some((words) => {
    const joined = words.join(' ');
    return (runsPipInstall(words) || /(^|\s)uv pip\s+install\b/.test(joined)) && /(\s-r\s|\s--requirement[\s=]|\s-e\s|\s\.(\s|$))/.test(`${joined} `)
      || /(^|\s)pipenv\s+(install|sync)\b/.test(joined)
      || /(^|\s)poetry\s+install\b/.test(joined)
      || /(^|\s)uv\s+sync\b/.test(joined);
  });
}
