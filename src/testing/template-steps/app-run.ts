import * as fs from 'node:fs';
import * as path from 'node:path';
import { sleep } from '../../engine/docker';
import { getPath } from '../../jsonc';
import { ok, tail } from '../../proc';
import { httpChain, httpVerdict, LOAD, loadVerdict, logErrorsVerdict, stopVerdict, userVerdict, WORKER_TMP_PROBE, workerTmpVerdict, writesVerdict, type Verdict } from '../checks';
import { recordComposeProject } from '../compose-project';
import { burst } from '../load';
import { StepFailure, StepSkip, type StepOutcome } from '../steps';
import { APP_TEST_SCRIPT, appEnvArgs, checkPathsOf, checksPassed, composeEnvironment, failure, httpFollow, httpGet, logFile, need, outcome, safeJson, verdict, withKnownFailure, type TemplateRunState } from '../template-run';
import { declaredChecks } from './declared';
import type { TemplateStep } from './step';

/** The production image running: healthy, answering, under load, as whom, stopped, read-only. */

/**
 * How often Docker runs the image's HEALTHCHECK while a test waits for it: `docker run --health-interval`
 * (and `healthcheck.interval` for a compose service) override the image's interval without touching the
 * template. The probe is the template's own command; only the wait between probes is shorter, so a run
 * learns "healthy" within half a second of it being true instead of at the template's next 5 s tick.
 */
export const HEALTH_PROBE_INTERVAL = '500ms';

const appRun: TemplateStep = {
  id: 'app-run',
  title: 'run the app image',
  run: async (state) => {
    const { context, ledger } = state;
    const engine = context.engine;
    const image = need(state.app.image, 'the app image');
    const exposed = await engine.docker(['image', 'inspect', '--format', '{{json .Config.ExposedPorts}}', image]);
    const port = Object.keys(safeJson(exposed.stdout) ?? {}).map((p) => /^(\d+)\/tcp$/.exec(p)?.[1]).find(Boolean);
    if (!port) throw new StepFailure('the app image EXPOSEs no TCP port; add `EXPOSE <port>` to the app stage');
    state.app.port = port;
    const composed = state.composed;
    // The service built from the `app` target; when several are (a release step such as `migrate` runs the
    // same image), the one named "app".
    const appBuilt = composed?.services.filter((s) => s.name !== composed.devService && s.build?.target === 'app') ?? [];
    const service = (state.appService = appBuilt.find((s) => s.name === 'app') ?? appBuilt[0]);
    const log = logFile(state, 'app-run');
    let container = '';
    const appProject = composed ? `${composed.name}-app` : '';
    if (composed && service) {
      // The compose file's own app service, built by compose (BuildKit, its pip.conf secret), published on a
      // free loopback port instead of the fixed one, in a compose project of its own: its own database, which
      // only what the app service depends on (a release step such as `migrate`) has prepared, as in
      // production. Beside the dev container's database, the dev container's own migrations would hide a
      // release step that does nothing.
      const ports = path.join(context.workDir, 'compose.ports.yaml');
      // The image's HEALTHCHECK, probed more often (see HEALTH_PROBE_INTERVAL); the test stays the image's.
      const probeOften = (await imageHealthcheck(state, image)) ? `    healthcheck:\n      interval: ${HEALTH_PROBE_INTERVAL}\n` : '';
      // The run-time environment given with --env/--env-file is added to the service's own (mode 0600: it may hold credentials).
      fs.writeFileSync(ports, `services:\n  ${service.name}:\n    ports: !override\n      - "127.0.0.1::${port}"\n${probeOften}${composeEnvironment(context.appEnv, '    ')}`, { mode: 0o600 });
      const files = [...composed.files, ports].flatMap((f) => ['--file', f]);
      const profiles = service.profiles.flatMap((p) => ['--profile', p]);
      const project = ['--project-name', appProject, ...files, ...profiles];
      const env = { ...composed.env, COMPOSE_PROJECT_NAME: appProject };
      const up = await engine.compose(composed.tool, [...project, 'up', '--detach', '--build', service.name], { env, logFile: log, timeoutMs: 900_000 });
      const listed = await engine.compose(composed.tool, [...project, 'ps', '--all', '--quiet', service.name], { env });
      await recordComposeProject(engine, appProject, ledger);
      container = listed.stdout.trim().split('\n')[0] ?? '';
      if (!ok(up) || !container) throw failure(`docker compose up ${service.name} failed`, up, log);
    } else {
      const cidFile = path.join(context.workDir, 'app.cid');
      const result = await engine.docker(['run', '--detach', '--cidfile', cidFile, '--label', state.runLabel, '--health-interval', HEALTH_PROBE_INTERVAL, ...appEnvArgs(state, 'app'), '--publish', `127.0.0.1::${port}`, image], { logFile: log });
      container = fs.existsSync(cidFile) ? fs.readFileSync(cidFile, 'utf8').trim() : '';
      ledger.record('container', container);
      if (!ok(result) || !container) throw failure('docker run failed', result, log);
    }
    state.app.container = container;
    const hostPort = await publishedPort(state, container, port);
    state.app.hostPort = hostPort;
    const how = composed && service ? `compose service ${service.name} of project ${appProject} (its own database)` : 'container';
    return `${how} ${container.slice(0, 12)}, port ${port} published on 127.0.0.1:${hostPort}`;
  },
};

async function publishedPort(state: TemplateRunState, container: string, port: string): Promise<number> {
  const mapped = await state.context.engine.docker(['port', container, `${port}/tcp`]);
  const hostPort = Number(/:(\d+)\s*$/m.exec(mapped.stdout)?.[1]);
  if (!hostPort) throw new StepFailure(`could not find the host port published for ${port}/tcp:\n${mapped.stdout}${mapped.stderr}`);
  return hostPort;
}

/** The image's own HEALTHCHECK settings, in nanoseconds as Docker keeps them; undefined without one. */
async function imageHealthcheck(state: TemplateRunState, image: string): Promise<Record<string, unknown> | undefined> {
  const inspected = await state.context.engine.docker(['image', 'inspect', '--format', '{{json .Config.Healthcheck}}', image]);
  const config = safeJson(inspected.stdout);
  const test = getPath(config, ['Test']);
  return Array.isArray(test) && test.length && test[0] !== 'NONE' ? config : undefined;
}

/**
 * When Docker, probing at the image's own interval, would have called the app unhealthy at the earliest:
 * after the start period and `retries` failed probes (Docker's defaults: 30 s interval, 3 retries). With the
 * interval shortened for the test, "unhealthy" can come sooner than that; it only counts from then on, so
 * an app gets exactly the time its template gives it.
 */
export function unhealthyCountsAfterMs(healthcheck: Record<string, unknown> | undefined): number {
  const ns = (key: string, fallback: number) => {
    const value = getPath(healthcheck, [key]);
    return typeof value === 'number' && value > 0 ? value : fallback;
  };
  return (ns('StartPeriod', 0) + ns('Retries', 3) * ns('Interval', 30e9)) / 1e6;
}

/** Polls Docker's health status of a container until healthy; fails on unhealthy, exit or timeout. */
async function waitHealthy(state: TemplateRunState, container: string, log: string): Promise<StepOutcome> {
  const { engine, healthTimeoutMs } = state.context;
  const started = Date.now();
  const unhealthyAfterMs = unhealthyCountsAfterMs(await imageHealthcheck(state, need(state.app.image, 'the app image')));
  let last = '';
  while (Date.now() - started < healthTimeoutMs) {
    const inspected = safeJson((await engine.docker(['inspect', '--format', '{{json .State}}', container])).stdout);
    const health = getPath(inspected, ['Health', 'Status']);
    if (getPath(inspected, ['Status']) === 'exited') {
      const logsResult = await engine.docker(['logs', container], { logFile: log });
      throw new StepFailure(`the app exited with code ${String(getPath(inspected, ['ExitCode']))} before becoming healthy:\n${tail(logsResult, 20)}`, log);
    }
    if (health === undefined) {
      throw new StepFailure(
        'the app image has no HEALTHCHECK, so Docker cannot tell when it is ready\n' +
          'fix: add a HEALTHCHECK to the app stage that uses the image\'s own Python, e.g. ' +
          'HEALTHCHECK --interval=5s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen(\'http://127.0.0.1:8000/healthz\', timeout=2)"]',
      );
    }
    if (health === 'healthy') return { detail: `healthy after ${((Date.now() - started) / 1000).toFixed(1)} s` };
    const probes = getPath(inspected, ['Health', 'Log']);
    const lastProbe = Array.isArray(probes) ? probes[probes.length - 1] : undefined;
    last = `${String(health)}${lastProbe ? `; last probe exit ${String(getPath(lastProbe, ['ExitCode']))}: ${String(getPath(lastProbe, ['Output'])).trim().split('\n').slice(-2).join(' ')}` : ''}`;
    if (health === 'unhealthy' && Date.now() - started >= unhealthyAfterMs) break;
    await sleep(250);
  }
  const logsResult = await engine.docker(['logs', container], { logFile: log });
  throw new StepFailure(
    `the app did not become healthy within ${healthTimeoutMs / 1000} s (${last})\n` +
      'fix: make the HEALTHCHECK path answer 2xx when the app is ready (healthCheckPath option), or raise --health-timeout\n' +
      `app log:\n${tail(logsResult, 12)}`,
    log,
  );
}

const appHealthy: TemplateStep = {
  id: 'app-healthy',
  title: 'wait until Docker reports the app healthy',
  run: (state) => waitHealthy(state, need(state.app.container, 'the app container'), logFile(state, 'app')),
};

const appUrl = (state: TemplateRunState) => `http://127.0.0.1:${need(state.app.hostPort, 'the app port')}/`;

const appHttp: TemplateStep = {
  id: 'app-http',
  title: (state) => `the app answers HTTP on loopback (${checkPathsOf(state).join(', ')})`,
  // Every check path: a 2xx at the end of any redirects, or it fails (a redirect to a broken page is not an answer).
  run: async (state) => {
    const details: string[] = [];
    for (const checkPath of checkPathsOf(state)) {
      const answered = httpVerdict(await httpFollow(appUrl(state), checkPath));
      if (!answered.ok) throw new StepFailure(await withKnownFailure(state, need(state.app.container, 'the app container'), answered.detail));
      details.push(answered.detail);
    }
    return details.join('; ');
  },
};

/**
 * The app's answer at `/` when it runs beside the compose project's database: the sample apps report the
 * database server's version there (`"database": "15.x ..."`) when DATABASE_URL reaches it, null without one.
 */
export function databaseVerdict(status: number, body: string): Verdict {
  let database: unknown;
  try {
    database = getPath(JSON.parse(body), ['database']);
  } catch {
    database = undefined;
  }
  if (status === 200 && typeof database === 'string' && database) return { ok: true, detail: `GET / -> ${status}, database server ${database}` };
  return {
    ok: false,
    detail: `GET / answered ${status} without a database version (${body.trim().slice(0, 160)})\n` +
      'fix: the app service needs DATABASE_URL pointing at the database service (postgresql://USER:PASSWORD@db:5432/DB) and a depends_on it',
  };
}

const appDatabase: TemplateStep = {
  id: 'app-database',
  title: 'the app answers through the compose project\'s database',
  // Only when the app ran as a service of the compose project: otherwise it runs alone, with no database.
  applies: (state) => Boolean(state.composed && state.appService),
  run: async (state) => {
    const response = await httpGet(appUrl(state));
    return verdict(databaseVerdict(response.status, response.body));
  },
};

const appLoad: TemplateStep = {
  id: 'app-load',
  title: `a burst of ${LOAD.requests} requests (${LOAD.concurrency} at a time) from loopback completes without errors`,
  // The requests go round the check paths, so each page the checks name is under load, not only `/`.
  run: async (state) => verdict(loadVerdict(await burst(checkPathsOf(state).map((p) => new URL(p, appUrl(state)).href), LOAD))),
};

const appUser: TemplateStep = {
  id: 'app-user',
  title: 'the app runs as a non-root user with a high UID',
  run: async (state) => {
    const { engine } = state.context;
    const container = need(state.app.container, 'the app container');
    const config = await engine.docker(['inspect', '--format', '{{.Config.User}}', container]);
    // A process may end between the glob and the read (a HEALTHCHECK probe, a uWSGI worker recycling): -s and
    // `|| true` let it go; an empty list still fails the verdict.
    const result = await engine.docker(['exec', container, 'sh', '-c', 'grep -Hs -e "^Name:" -e "^Uid:" /proc/[0-9]*/status || true']);
    if (!ok(result)) throw failure('could not read the processes\' users inside the app container', result);
    const names = new Map([...result.stdout.matchAll(/^\/proc\/(\d+)\/status:Name:\s+(.*)$/gm)].map((m) => [m[1], m[2].trim()]));
    const uids = [...result.stdout.matchAll(/^\/proc\/(\d+)\/status:Uid:\s+(\d+)/gm)].map((m) => ({ pid: m[1], uid: Number(m[2]), name: names.get(m[1]) }));
    return verdict(userVerdict(config.stdout.trim(), uids));
  },
};

const appWorkerTmp: TemplateStep = {
  id: 'app-worker-tmp',
  title: 'gunicorn workers keep their heartbeat in memory',
  run: async (state) => {
    const result = await state.context.engine.docker(['exec', need(state.app.container, 'the app container'), 'sh', '-c', WORKER_TMP_PROBE]);
    if (!ok(result)) throw failure('could not read the open files of the app container\'s processes', result);
    const found = workerTmpVerdict(result.stdout);
    if (!found) throw new StepSkip('no gunicorn worker heartbeat file is open: the server is not gunicorn');
    return verdict(found);
  },
};

const appExec: TemplateStep = {
  id: 'app-exec',
  title: `the template's own checks of the app image (${APP_TEST_SCRIPT})`,
  run: async (state) => {
    const script = path.join(state.workspace, APP_TEST_SCRIPT);
    if (!fs.existsSync(script)) throw new StepSkip(`the template has no ${APP_TEST_SCRIPT}`);
    const log = logFile(state, 'app-exec');
    const result = await state.context.engine.docker(['exec', '-i', need(state.app.container, 'the app container'), 'sh', '-s'], { input: fs.readFileSync(script, 'utf8'), logFile: log, timeoutMs: 120_000 });
    if (!ok(result)) throw failure(`${APP_TEST_SCRIPT} failed in the app container`, result, log);
    return outcome(checksPassed(result.stdout), log);
  },
};

const appWrites: TemplateStep = {
  id: 'app-writes',
  title: 'the app wrote nothing into its image while it answered (only /tmp and volumes)',
  // After every request of the checks above (the declared ones may write): docker diff of the running container.
  run: async (state) => {
    const { engine } = state.context;
    const container = need(state.app.container, 'the app container');
    const diff = await engine.docker(['diff', container]);
    if (!ok(diff)) throw failure('docker diff of the app container failed', diff);
    const inspected = await engine.docker(['image', 'inspect', '--format', '{{json .Config.Volumes}}|{{.Config.WorkingDir}}', need(state.app.image, 'the app image')]);
    const [volumesJson = '', workdir = ''] = inspected.stdout.trim().split('|');
    const volumes = Object.keys(safeJson(volumesJson) ?? {});
    return verdict(writesVerdict(diff.stdout, volumes, workdir));
  },
};

const appStop: TemplateStep = {
  id: 'app-stop',
  title: (state) => `docker stop ends the app within ${state.context.stopBoundMs / 1000} s`,
  run: async (state) => {
    const { engine, stopBoundMs } = state.context;
    const container = need(state.app.container, 'the app container');
    const started = Date.now();
    const result = await engine.docker(['stop', '--time', '10', container]);
    const elapsed = Date.now() - started;
    if (!ok(result)) throw failure('docker stop failed', result);
    const exitCode = Number((await engine.docker(['inspect', '--format', '{{.State.ExitCode}}', container])).stdout.trim());
    return verdict(stopVerdict(elapsed, exitCode, stopBoundMs));
  },
};

const appLog: TemplateStep = {
  id: 'app-log',
  title: 'the app logged no server error or traceback from start to stop',
  // After app-stop, so that a shutdown's errors count too; the stopped container keeps its log.
  run: async (state) => {
    const log = logFile(state, 'app');
    const logs = await state.context.engine.docker(['logs', need(state.app.container, 'the app container')], { logFile: log });
    if (!ok(logs)) throw failure('docker logs of the app container failed', logs, log);
    const found = logErrorsVerdict(`${logs.stdout}\n${logs.stderr}`);
    if (!found.ok) throw new StepFailure(found.detail, log);
    return outcome(found.detail, log);
  },
};

const appReadOnly: TemplateStep = {
  id: 'app-read-only',
  title: 'the app runs with a read-only root (tmpfs /tmp)',
  run: async (state) => {
    const { context, ledger } = state;
    const cidFile = path.join(context.workDir, 'app-read-only.cid');
    const log = logFile(state, 'app-read-only');
    const result = await context.engine.docker(
      ['run', '--detach', '--cidfile', cidFile, '--label', state.runLabel, '--health-interval', HEALTH_PROBE_INTERVAL, ...appEnvArgs(state, 'app-read-only'), '--read-only', '--tmpfs', '/tmp', '--publish', `127.0.0.1::${need(state.app.port, 'the app port')}`, need(state.app.image, 'the app image')],
      { logFile: log },
    );
    const container = fs.existsSync(cidFile) ? fs.readFileSync(cidFile, 'utf8').trim() : '';
    ledger.record('container', container);
    if (!ok(result) || !container) throw failure('docker run --read-only failed', result, log);
    const health = await waitHealthy(state, container, log);
    const base = `http://127.0.0.1:${await publishedPort(state, container, need(state.app.port, 'the app port'))}/`;
    const answers = [];
    for (const checkPath of checkPathsOf(state)) answers.push(await httpFollow(base, checkPath));
    const failed = answers.map(httpVerdict).find((answered) => !answered.ok);
    // The log is read before the container stops (a stopped one's log is kept too, but say why now).
    const detail = failed ? await withKnownFailure(state, container, `with a read-only root, ${failed.detail}`) : '';
    await context.engine.docker(['stop', '--time', '10', container]);
    if (failed) {
      const generic = !detail.includes("the app's log shows") && /-> 5\d\d/.test(detail.split('\n')[0]);
      throw new StepFailure(generic ? `${detail.split('\nfix: ')[0]}\nfix: write only to /tmp (or a documented volume), not to the image's own folders` : detail);
    }
    return `${health.detail}; ${answers.map(httpChain).join('; ')}`;
  },
};

export const APP_RUN_STEPS: readonly TemplateStep[] = [appRun, appHealthy, appHttp, appDatabase, appLoad, appUser, appWorkerTmp, appExec, declaredChecks, appWrites, appStop, appLog, appReadOnly];
