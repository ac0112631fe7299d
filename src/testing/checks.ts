/**
 * Verdicts of the production-image checks of `stagepack test`, as pure functions of what the runner
 * gathered from Docker, so that each rule (threshold, message, fix) is unit-tested without an engine.
 * A verdict is either a pass with its evidence or a failure saying what was found and what to change.
 */
export type Verdict = { ok: true; detail: string } | { ok: false; detail: string };

/** UIDs at or above this are outside every host's user range (and what the templates use: 10001). */
export const MIN_APP_UID = 10000;

export function userVerdict(configUser: string, processes: readonly { pid: string; uid: number; name?: string }[]): Verdict {
  // runc's own init (`runc:[2:INIT]`) shows in the container for the moment it takes to start an exec (a
  // HEALTHCHECK probe, this very check) as root, before it becomes the container's user: not the app's.
  const uids = processes.filter((p) => !p.name?.startsWith('runc:['));
  if (!uids.length) return { ok: false, detail: 'no process found in the running container' };
  const low = uids.filter((p) => p.uid < MIN_APP_UID);
  const distinct = [...new Set(uids.map((p) => p.uid))];
  if (low.length) {
    const who = low.map((p) => `pid ${p.pid} as uid ${p.uid}${p.uid === 0 ? ' (root)' : ''}`).join(', ');
    return {
      ok: false,
      detail: `${who} (USER "${configUser || 'unset: root'}")\nfix: create a user with a fixed UID of ${MIN_APP_UID} or more and end the app stage with USER 10001:10001`,
    };
  }
  return { ok: true, detail: `USER ${configUser}; ${uids.length} process(es), all as uid ${distinct.join(', ')} (>= ${MIN_APP_UID})` };
}

/** Output of the build-tools probe: one `tool:<path>` or `header:<path>` line per finding. */
export function buildToolsVerdict(probeOutput: string, addedBytes: number | undefined, base: string): Verdict {
  const found = probeOutput.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('tool:') || l.startsWith('header:'));
  const added = addedBytes === undefined ? '' : `; the app stage adds ${(addedBytes / 1e6).toFixed(1)} MB over ${base}`;
  if (found.length) {
    const tools = found.filter((f) => f.startsWith('tool:')).map((f) => f.slice(5));
    const headers = found.filter((f) => f.startsWith('header:')).map((f) => f.slice(7));
    return {
      ok: false,
      detail: `${[tools.length ? `build tools: ${tools.join(', ')}` : '', headers.length ? `development headers: ${headers.join(', ')}` : ''].filter(Boolean).join('; ')}${added}\nfix: install compilers and -dev packages in the builder stage only and copy out just the virtual environment`,
    };
  }
  return { ok: true, detail: `no compiler, make or development headers${added}` };
}

/** The shell probe run inside the app image for buildToolsVerdict. */
export const BUILD_TOOLS_PROBE = [
  'for t in gcc cc g++ c++ clang make; do p=$(command -v "$t" 2>/dev/null) && echo "tool:$p"; done',
  'for d in /usr/include /usr/local/include; do [ -d "$d" ] && find "$d" -maxdepth 2 -name "*.h" 2>/dev/null | head -n 3 | sed "s/^/header:/"; done',
  'true',
].join('; ');

/** `boundMs`: docker stop must return within it (SIGTERM reached the server and it shut down by itself). */
export function stopVerdict(elapsedMs: number, exitCode: number, boundMs: number): Verdict {
  const took = `${(elapsedMs / 1000).toFixed(1)} s`;
  if (exitCode === 137 || elapsedMs > boundMs) {
    return {
      ok: false,
      detail: `docker stop took ${took} (bound ${(boundMs / 1000).toFixed(0)} s), exit code ${exitCode}${exitCode === 137 ? ': the server ignored SIGTERM and was killed' : ''}\nfix: start the server in exec form (CMD ["gunicorn", ...]) so it is PID 1 and receives SIGTERM, or put an init such as tini in front of a shell script that execs it`,
    };
  }
  if (exitCode !== 0 && exitCode !== 143) return { ok: false, detail: `the app exited with code ${exitCode} on SIGTERM after ${took}\nfix: let the server shut down cleanly on SIGTERM (exit 0)` };
  return { ok: true, detail: `stopped in ${took} (bound ${(boundMs / 1000).toFixed(0)} s), exit code ${exitCode}` };
}

export interface ParityInput {
  devLayers: readonly string[];
  appLayers: readonly string[];
  baseImage: string;
  baseLayers: readonly string[];
  baseBytes: number;
  devPython: string;
  appPython: string;
}

/** The dev container and the app image must sit on the same base layers and run the same Python. */
export function parityVerdict(input: ParityInput): Verdict {
  let shared = 0;
  while (shared < input.devLayers.length && shared < input.appLayers.length && input.devLayers[shared] === input.appLayers[shared]) shared++;
  const problems: string[] = [];
  if (shared < input.baseLayers.length || input.baseLayers.some((layer, i) => input.appLayers[i] !== layer)) {
    problems.push(`the dev container and the app image share ${shared} layer(s), fewer than the ${input.baseLayers.length} of ${input.baseImage}`);
  }
  if (input.devPython !== input.appPython) problems.push(`Python differs: dev container ${input.devPython}, app image ${input.appPython}`);
  if (problems.length) return { ok: false, detail: `${problems.join('; ')}\nfix: build both the development and app stages FROM base, with the same PYTHON_VERSION` };
  return { ok: true, detail: `${shared} shared layer(s) (${input.baseImage}: ${(input.baseBytes / 1e6).toFixed(1)} MB, plus the base stage's own), Python ${input.appPython} in both` };
}

export interface SecretFinding {
  /** `layer 3 of 6` or `image config`. */
  where: string;
  /** The instruction that made the layer, from the image history. */
  createdBy: string;
}

/** `unreadable`: layers the scan could not read. A scan that did not see everything proves nothing. */
export function secretsVerdict(findings: readonly SecretFinding[], layers: number, channels: readonly string[], unreadable: readonly string[] = []): Verdict {
  if (findings.length) {
    return {
      ok: false,
      detail: `the build canary (passed as ${channels.join(', ')}) is in the image: ${findings.map((f) => `${f.where} (${f.createdBy})`).join('; ')}\nfix: pass credentials only through RUN --mount=type=secret (never ARG or ENV), and do not copy them into files`,
    };
  }
  if (unreadable.length) {
    return {
      ok: false,
      detail: `the scan could not read everything, so it cannot tell whether the build canary is in the image: ${unreadable.join('; ')}\nfix: check the engine (docker save must produce a complete archive) and rerun; report the layer's format if it is neither tar, gzip nor zstd`,
    };
  }
  return { ok: true, detail: `no trace of the build canary (passed as ${channels.join(', ')}) in ${layers} layer(s), the config or the history` };
}

/** Secret-looking ARG names, which a user would be tempted to fill with a real token. */
export const SECRET_ARG = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL)/i;

/** A copy of a pip.conf whose http(s) index URLs carry the canary as their password. */
export function pipConfWithCredential(pipConf: string, canary: string): string {
  return pipConf.replace(/(https?:\/\/)(?![^/\s]*@)/g, `$1stagepack:${canary}@`);
}

export const LOAD = { requests: 2000, concurrency: 16, timeLimitMs: 30_000 } as const;

function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function loadVerdict(result: { requested: number; completed: number; errors: { count: number; first?: string }; durationMs: number; latenciesMs: readonly number[]; timedOut: boolean }): Verdict {
  const sorted = [...result.latenciesMs].sort((a, b) => a - b);
  const rps = result.completed / (result.durationMs / 1000);
  const figures = `${result.completed}/${result.requested} requests in ${(result.durationMs / 1000).toFixed(1)} s, ${rps.toFixed(0)} req/s, latency p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, p99 ${percentile(sorted, 99).toFixed(1)} ms`;
  if (result.errors.count || result.timedOut) {
    const why = result.timedOut ? `stopped at the ${(LOAD.timeLimitMs / 1000).toFixed(0)} s limit` : `${result.errors.count} error(s), the first: ${result.errors.first}`;
    return { ok: false, detail: `${why}; ${figures}\nfix: check the server's worker count (WEB_CONCURRENCY) and timeouts against its log` };
  }
  return { ok: true, detail: `${figures}, 0 errors` };
}

/** Run in the app image: ldd over the interpreter and every shared object of the venv and lib-dynload. */
export const SHARED_LIBS_PROBE = [
  'prefix=$(python -c "import sys; print(sys.prefix)")',
  // sys.path names the lib-dynload the interpreter really loads from (sysconfig schemes differ per distribution).
  'dyn=$(python -c "import sys; print(next((p for p in sys.path if p.endswith(\'lib-dynload\')), \'/nonexistent\'))")',
  'files=$(find "$prefix" "$dyn" -name "*.so*" -type f 2>/dev/null)',
  // Compiled programs the venv installs (uwsgi is one): regular files under bin/ that start with ELF's magic.
  'for f in "$prefix"/bin/*; do if [ -f "$f" ] && [ ! -L "$f" ] && [ "$(head -c 4 "$f" | tail -c 3)" = "ELF" ]; then files="$files\\n$f"; fi; done',
  'files=$(printf "%b" "$files")',
  'for f in "$(readlink -f "$(command -v python)")" $files; do ldd "$f" 2>/dev/null | sed -n "s|^[[:space:]]*\\([^[:space:]]*\\) => not found.*|missing:\\1:$f|p"; done',
  'echo "checked:$(echo "$files" | grep -c .)"',
].join('; ');

export interface MissingLibrary {
  library: string;
  neededBy: string;
}

export function missingLibraries(probeOutput: string): { missing: MissingLibrary[]; checked: number } {
  const missing = [...probeOutput.matchAll(/^missing:([^:]+):(.+)$/gm)].map((m) => ({ library: m[1], neededBy: m[2] }));
  const checked = Number(/^checked:(\d+)$/m.exec(probeOutput)?.[1] ?? 0);
  return { missing, checked };
}

/** `providers`: library -> the Debian package that ships it in the builder stage (dpkg -S), if any. */
export function sharedLibsVerdict(found: { missing: MissingLibrary[]; checked: number }, providers: Readonly<Record<string, string | undefined>>): Verdict {
  if (!found.missing.length) return { ok: true, detail: `every library of the interpreter and ${found.checked} shared object(s) resolves (ldd)` };
  const libraries = [...new Set(found.missing.map((m) => m.library))];
  const lines = libraries.map((library) => {
    const users = found.missing.filter((m) => m.library === library).map((m) => m.neededBy);
    const provider = providers[library];
    return `${library} (needed by ${users.slice(0, 2).join(', ')}${users.length > 2 ? ` and ${users.length - 2} more` : ''}) is missing at run time${provider ? `; the builder has it from the Debian package ${provider}` : '; no package in the builder stage provides it either'}`;
  });
  const packages = [...new Set(libraries.map((l) => providers[l]).filter((p): p is string => Boolean(p)))];
  const fix = packages.length
    ? `fix: add the runtime package to the app stage: RUN apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')} && rm -rf /var/lib/apt/lists/*`
    : 'fix: find the Debian package that ships it (apt-file search, or packages.debian.org) and install it in the app stage';
  return { ok: false, detail: `${lines.join('; ')}\n${fix}` };
}

/**
 * gunicorn's workers prove they are alive by touching an unlinked temporary file ("wgunicorn-*") every few
 * seconds; on a disk-backed /tmp (the container's overlay) a slow disk stalls that and the arbiter kills
 * healthy workers. The probe lists every process's open files and the mount table.
 */
export const WORKER_TMP_PROBE = [
  'for p in /proc/[0-9]*; do for f in "$p"/fd/*; do l=$(readlink "$f" 2>/dev/null) && case "$l" in *wgunicorn-*) echo "heartbeat:${p#/proc/}:$l";; esac; done; done',
  'sed "s/^/mount:/" /proc/mounts',
].join('; ');

/** The verdict, or undefined when no gunicorn worker heartbeat is open (the server is not gunicorn). */
export function workerTmpVerdict(probeOutput: string): Verdict | undefined {
  const heartbeats = [...probeOutput.matchAll(/^heartbeat:(\d+):(.+?)(?: \(deleted\))?$/gm)].map((m) => ({ pid: m[1], file: m[2] }));
  if (!heartbeats.length) return undefined;
  const mounts = [...probeOutput.matchAll(/^mount:\S+ (\S+) (\S+) /gm)].map((m) => ({ point: m[1], type: m[2] }));
  const fsOf = (file: string) =>
    mounts
      .filter((m) => m.point === '/' || file === m.point || file.startsWith(`${m.point}/`))
      .sort((a, b) => b.point.length - a.point.length)[0];
  const onDisk = heartbeats.filter((h) => fsOf(h.file)?.type !== 'tmpfs');
  const dirs = [...new Set(heartbeats.map((h) => h.file.replace(/\/[^/]*$/, '') || '/'))];
  if (onDisk.length) {
    const where = [...new Set(onDisk.map((h) => `${h.file.replace(/\/[^/]*$/, '') || '/'} (${fsOf(h.file)?.type ?? 'unknown filesystem'})`))].join(', ');
    return {
      ok: false,
      detail: `${new Set(onDisk.map((h) => h.file)).size} gunicorn worker heartbeat file(s) on ${where}, not in memory: a slow disk makes gunicorn kill healthy workers\nfix: add --worker-tmp-dir /dev/shm to the gunicorn command`,
    };
  }
  // The arbiter holds each worker's file open too: count files, not descriptors.
  const files = new Set(heartbeats.map((h) => h.file)).size;
  return { ok: true, detail: `${files} gunicorn worker heartbeat file(s), all in ${dirs.join(', ')} (tmpfs)` };
}

/** One request of an HTTP check, followed through its redirects (see httpFollow in template-run.ts). */
export interface HttpAnswer {
  /** The path first asked for. */
  path: string;
  /** Each answer in order: the path asked and its status; the last is where it ended. */
  hops: { path: string; status: number }[];
  body: string;
  /** Set when the last answer redirected somewhere the check does not follow (another host, or too many hops). */
  unfollowed?: string;
}

/** `GET / -> 301, then /home/ -> 200`: the way a request went. */
export function httpChain(answer: HttpAnswer): string {
  return answer.hops.map((h, i) => (i === 0 ? `GET ${h.path} -> ${h.status}` : `${h.path} -> ${h.status}`)).join(', then ');
}

/**
 * An HTTP check passes only when what it asked for ends in a 2xx: a redirect is not an answer, it is followed
 * (within the app) to the page it names, and that page must answer. A 301 from `/` to a page that fails with
 * 500 was counted as success before (issue "No false greens").
 */
export function httpVerdict(answer: HttpAnswer): Verdict {
  const last = answer.hops[answer.hops.length - 1];
  const chain = httpChain(answer);
  if (!last) return { ok: false, detail: `GET ${answer.path}: no answer` };
  // One line of the body: an HTML error page must not break the step's line.
  const oneLine = answer.body.replace(/\s+/g, ' ').trim();
  if (last.status >= 200 && last.status < 300) return { ok: true, detail: `${chain} ${oneLine.slice(0, 80)}`.trim() };
  const body = oneLine.slice(0, 200);
  if (answer.unfollowed) {
    return { ok: false, detail: `${chain}: ${answer.unfollowed}\nfix: let ${answer.path} answer 2xx itself, or redirect only within the app (a relative Location or the same host)` };
  }
  const where = answer.hops.length > 1 ? `the redirect from ${answer.path} ends at ${last.path}, which` : `${answer.path}`;
  const fix = last.status >= 500
    ? 'the app failed on this page: see its log above (a database it cannot open, a folder it cannot write, a missing migration)'
    : last.status === 404
      ? `${last.path} does not exist in the app: serve a page there, or check a path the app has`
      : `make ${last.path} answer 2xx without credentials`;
  return { ok: false, detail: `${chain}: ${where} answered ${last.status}, not 2xx${body ? ` (${body})` : ''}\nfix: ${fix}` };
}

/**
 * A build that failed only because the local package index cannot feed it: pip found no distribution of a
 * pinned `NAME==VERSION` that this Python can use, while the mirror holds that version for other Pythons
 * (its wheels are cp311, the variant runs 3.13). That is a gap of this machine, not of the template: the run
 * is skipped with the reason. A version the mirror does not hold at all stays a failure (the pin may be
 * wrong), as does every other error.
 */
export function indexGap(log: string, filesOf: ((name: string) => string[]) | undefined, python?: string): string | undefined {
  if (!filesOf) return undefined;
  for (const match of log.matchAll(/No matching distribution found for ([A-Za-z0-9][\w.-]*)==([\w.!+-]+)/g)) {
    const [, name, version] = match;
    const norm = (text: string) => text.toLowerCase().replace(/[-_.]+/g, '_');
    const ofVersion = filesOf(name).filter((file) => norm(file).startsWith(`${norm(name)}_${norm(version)}_`) || norm(file).startsWith(`${norm(name)}_${norm(version)}.`));
    if (!ofVersion.length) continue;
    return `the local package index holds ${name} ${version} only as ${ofVersion.slice(0, 3).join(', ')}${ofVersion.length > 3 ? ', ...' : ''}: none for ${python ? `Python ${python}` : 'this Python'}. Where PyPI is in reach (or the mirror holds a matching wheel), this variant is tested`;
  }
  return undefined;
}

/** Where a running app may write without harm: a tmpfs /tmp under a read-only root, and the kernel's own mounts. */
export const WRITABLE_PREFIXES = ['/tmp', '/var/tmp', '/dev', '/proc', '/sys', '/run'];

const under = (file: string, dir: string) => file === dir || file.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

/**
 * What the app wrote into its image while it ran and answered (`docker diff`: `A path`, `C path`, `D path`).
 * Anything outside /tmp and the image's VOLUMEs is a write a read-only root (or a second replica, or the next
 * deployment) loses or refuses: an upload folder, a SQLite file, a log, next to the code. A folder listed
 * only because something in it changed is not itself a write; Python's bytecode caches are named but do not
 * fail (Python runs on without them when it cannot write them).
 */
export function writesVerdict(diff: string, volumes: readonly string[], workdir: string): Verdict {
  const entries = diff.split('\n').map((l) => /^([ACD]) (\/.*)$/.exec(l.trim())).filter((m): m is RegExpExecArray => Boolean(m)).map((m) => ({ kind: m[1], path: m[2] }));
  const leaves = entries.filter((e) => !entries.some((o) => o !== e && o.path.startsWith(`${e.path}/`)));
  const allowed = [...WRITABLE_PREFIXES, ...volumes];
  const outside = leaves.filter((e) => !allowed.some((dir) => under(e.path, dir)));
  const bytecode = outside.filter((e) => /(^|\/)__pycache__(\/|$)|\.pyc$/.test(e.path));
  const writes = outside.filter((e) => !bytecode.includes(e));
  const note = bytecode.length ? `; Python wrote ${bytecode.length} bytecode cache file(s) (${bytecode.slice(0, 2).map((e) => e.path).join(', ')}${bytecode.length > 2 ? ', ...' : ''}), which it can do without: compile them at build time (python -m compileall) for a faster start` : '';
  if (!writes.length) {
    const inTmp = leaves.length - outside.length;
    return { ok: true, detail: `nothing written outside ${['/tmp', ...volumes].join(', ')}${inTmp ? ` (${inTmp} path(s) there)` : ''}${note}` };
  }
  const verbs: Record<string, string> = { A: 'added', C: 'changed', D: 'deleted' };
  const listed = writes.slice(0, 8).map((e) => `${verbs[e.kind]} ${e.path}`).join(', ') + (writes.length > 8 ? `, and ${writes.length - 8} more` : '');
  const inCode = workdir && workdir !== '/' && writes.some((e) => under(e.path, workdir));
  return {
    ok: false,
    detail: `the app wrote into its image${inCode ? ` (into its code folder ${workdir})` : ''}: ${listed}\n` +
      'fix: production runs the image with a read-only root and more than one replica: write temporary files to /tmp (a tmpfs), ' +
      'and data that must last to a database or a volume (declare it with VOLUME in the app stage and mount one in production); ' +
      'for SQLite or uploads, point the setting at that volume through an environment variable (the template README\'s "Where the app may write")',
  };
}

/**
 * A failure in the app's log whose fix is known: a write the image does not allow (its code folder, root's and
 * read-only to the app's user, or a read-only root), as Python and SQLite report it, or a table the database
 * lacks because its migrations never ran. Named, with the path or table when the log gives it, so the fix is
 * the right one and not "see the log".
 */
export function knownFailureInLog(log: string): string | undefined {
  const patterns: [RegExp, (m: RegExpExecArray) => string][] = [
    [/PermissionError: \[Errno 13\] Permission denied: '([^'\n]+)'/, (m) => `it could not write ${m[1]} (permission denied: that folder belongs to root in the image)`],
    [/OSError: \[Errno 30\] Read-only file system: '([^'\n]+)'/, (m) => `it could not write ${m[1]} (read-only file system)`],
    [/(unable to open database file|attempt to write a readonly database)/, (m) => `SQLite could not open or write its database file ("${m[1]}")`],
  ];
  // A table the code queries and the database lacks: the migrations were never applied to it.
  const missing = /relation "([^"\n]+)" does not exist|no such table: ([\w.]+)/.exec(log);
  if (missing) {
    return `the app's log shows the database has no table ${missing[1] ?? missing[2]}: its migrations were never applied to this database\n` +
      'fix: run the migrations as the release step, once per deployment before the new version serves (a compose `migrate` service the app depends on, ' +
      'a Kubernetes Job, `docker run --rm IMAGE python manage.py migrate --noinput` or `alembic upgrade head`); see the template\'s NOTES.md';
  }
  for (const [pattern, say] of patterns) {
    const match = pattern.exec(log);
    if (match) {
      return `the app's log shows ${say(match)}\n` +
        'fix: the image\'s folders are not the app\'s to write (and production runs them read-only): write temporary files to /tmp (a tmpfs), ' +
        'data that must last to a database or a volume (VOLUME in the app stage, its location given through an environment variable); ' +
        'see the template README, "Where the app may write"';
    }
  }
  return undefined;
}

/** Lines a Python web server writes only when something went wrong, whatever the app's own logging says. */
const ERROR_LINES: readonly RegExp[] = [
  // gunicorn (and uvicorn workers under it): `[time] [pid] [ERROR] message`, CRITICAL for a worker timeout.
  /^\[[^\]\n]+\] \[\d+\] \[(?:ERROR|CRITICAL)\] .*$/gm,
  // uvicorn on its own: `ERROR:    message`.
  /^(?:ERROR|CRITICAL): {2,}.*$/gm,
  // An uncaught exception anywhere in the app or the server: the traceback's header.
  /^Traceback \(most recent call last\):$/gm,
];

/**
 * The app's log from its start to `docker stop`: a server error or a traceback while every request answered
 * 2xx is still a fault (a failed control socket, a worker that died and was replaced, an exception in a
 * background thread), and the user meets it first in production's logs. Each is quoted with the line after a
 * traceback's frames (the exception itself); a cause whose fix is known is named.
 */
export function logErrorsVerdict(log: string): Verdict {
  const lines = log.split(/\r?\n/);
  const found: string[] = [];
  for (const pattern of ERROR_LINES) {
    for (const match of log.matchAll(pattern)) {
      if (!match[0].startsWith('Traceback')) {
        found.push(match[0].trim());
        continue;
      }
      // The exception is the first line after the header that is not an indented frame.
      const at = log.slice(0, match.index).split('\n').length - 1;
      const exception = lines.slice(at + 1).find((l) => l.trim() && !/^\s/.test(l));
      found.push(`traceback: ${(exception ?? '(no exception line)').trim()}`);
    }
  }
  if (!found.length) return { ok: true, detail: `no server error or traceback in ${lines.filter((l) => l.trim()).length} log line(s) from start to stop` };
  const unique = [...new Set(found)];
  const listed = unique.slice(0, 4).map((l) => `  ${l.slice(0, 240)}`).join('\n') + (unique.length > 4 ? `\n  and ${unique.length - 4} more` : '');
  const known = knownFailureInLog(log);
  const fix = /Control server error/.test(log)
    ? 'fix: gunicorn 25.1 and later open a control socket in $XDG_RUNTIME_DIR, else in $HOME/.gunicorn, which the app user (no home) cannot create: set ENV XDG_RUNTIME_DIR=/tmp in the app stage'
    : known
      ? known.slice(known.indexOf('fix: '))
      : 'fix: a healthy app starts, answers and stops without errors: read the app log and fix each cause (an error the app expects belongs in a lower log level)';
  return { ok: false, detail: `the app's log holds ${unique.length} error(s) although it answered:\n${listed}\n${fix}` };
}
