import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checksPassed, httpFollow } from '../../src/testing/template-run';
import { httpVerdict, indexGap, knownFailureInLog, logErrorsVerdict, writesVerdict, type HttpAnswer } from '../../src/testing/checks';
import { buildToolsVerdict, missingLibraries, parityVerdict, pipConfWithCredential, secretsVerdict, sharedLibsVerdict, stopVerdict, userVerdict, workerTmpVerdict } from '../../src/testing/checks';

describe('production-image check verdicts', () => {
  it('user: passes when every process runs at UID >= 10000', () => {
    assert.deepEqual(userVerdict('10001:10001', [{ pid: '1', uid: 10001 }, { pid: '7', uid: 10001 }]), { ok: true, detail: 'USER 10001:10001; 2 process(es), all as uid 10001 (>= 10000)' });
  });

  it('user: fails for root and for a low UID, naming the process and the fix', () => {
    const root = userVerdict('', [{ pid: '1', uid: 0 }]);
    assert.equal(root.ok, false);
    assert.match(root.detail, /^pid 1 as uid 0 \(root\) \(USER "unset: root"\)\nfix: create a user with a fixed UID of 10000 or more/);
    assert.match(userVerdict('app', [{ pid: '1', uid: 999 }]).detail, /pid 1 as uid 999 \(USER "app"\)/);
    assert.equal(userVerdict('app', []).ok, false);
    // The container runtime's own init, caught while it starts an exec (a health probe), is not the app's.
    assert.equal(userVerdict('10001:10001', [{ pid: '1', uid: 10001, name: 'uwsgi' }, { pid: '65', uid: 0, name: 'runc:[2:INIT]' }]).ok, true);
    assert.equal(userVerdict('10001:10001', [{ pid: '1', uid: 10001, name: 'uwsgi' }, { pid: '66', uid: 0, name: 'sh' }]).ok, false);
    assert.equal(userVerdict('10001:10001', [{ pid: '65', uid: 0, name: 'runc:[2:INIT]' }]).ok, false, 'nothing but the runtime: no app process at all');
  });

  it('build tools: lists what the probe found, and what the app adds over its base', () => {
    assert.deepEqual(buildToolsVerdict('', 29.6e6, 'python:3.11-slim'), { ok: true, detail: 'no compiler, make or development headers; the app stage adds 29.6 MB over python:3.11-slim' });
    const found = buildToolsVerdict('tool:/usr/bin/gcc\ntool:/usr/bin/make\nheader:/usr/include/stdio.h\n', 180e6, 'python:3.11-slim');
    assert.equal(found.ok, false);
    assert.match(found.detail, /^build tools: \/usr\/bin\/gcc, \/usr\/bin\/make; development headers: \/usr\/include\/stdio.h; the app stage adds 180.0 MB over python:3.11-slim\nfix: install compilers/);
  });

  it('stop: within the bound with exit 0 or 143 passes; a kill or a slow stop fails with the fix', () => {
    assert.equal(stopVerdict(450, 0, 3000).ok, true);
    assert.equal(stopVerdict(900, 143, 3000).ok, true);
    const killed = stopVerdict(10_300, 137, 3000);
    assert.equal(killed.ok, false);
    assert.match(killed.detail, /^docker stop took 10\.3 s \(bound 3 s\), exit code 137: the server ignored SIGTERM and was killed\nfix: start the server in exec form/);
    assert.match(stopVerdict(3500, 0, 3000).detail, /took 3\.5 s/);
    assert.match(stopVerdict(200, 1, 3000).detail, /exited with code 1 on SIGTERM/);
  });

  it('parity: shared base layers and the same Python pass; anything else fails', () => {
    const input = { devLayers: ['a', 'b', 'd1'], appLayers: ['a', 'b', 'p1'], baseImage: 'python:3.11-slim', baseLayers: ['a'], baseBytes: 120e6, devPython: '3.11.2', appPython: '3.11.2' };
    assert.deepEqual(parityVerdict(input), { ok: true, detail: '2 shared layer(s) (python:3.11-slim: 120.0 MB, plus the base stage\'s own), Python 3.11.2 in both' });
    assert.match(parityVerdict({ ...input, devLayers: ['x', 'b'] }).detail, /share 0 layer\(s\), fewer than the 1 of python:3.11-slim/);
    assert.match(parityVerdict({ ...input, devPython: '3.12.1' }).detail, /Python differs: dev container 3.12.1, app image 3.11.2/);
  });
});

describe('secrets verdict and the canary pip.conf', () => {
  it('names the layer and instruction where the canary was found', () => {
    assert.deepEqual(secretsVerdict([], 5, ['a BuildKit secret']), { ok: true, detail: 'no trace of the build canary (passed as a BuildKit secret) in 5 layer(s), the config or the history' });
    const leak = secretsVerdict([{ where: 'layer 4 of 5', createdBy: 'COPY pip.conf /etc/pip.conf' }], 5, ['a BuildKit secret']);
    assert.equal(leak.ok, false);
    assert.match(leak.detail, /is in the image: layer 4 of 5 \(COPY pip.conf \/etc\/pip.conf\)\nfix: pass credentials only through RUN --mount=type=secret/);
  });

  it('puts the canary into every index URL that has no credentials yet', () => {
    const conf = '[global]\nindex-url = http://127.0.0.1:9/0/simple/\nextra-index-url = http://127.0.0.1:9/1/simple/ https://u:p@mirror.example/simple\n';
    assert.equal(pipConfWithCredential(conf, 'C'), '[global]\nindex-url = http://stagepack:C@127.0.0.1:9/0/simple/\nextra-index-url = http://stagepack:C@127.0.0.1:9/1/simple/ https://u:p@mirror.example/simple\n');
  });
});

describe('shared libraries verdict', () => {
  const probe = 'missing:libpq.so.5:/opt/venv/lib/python3.11/site-packages/psycopg2/_psycopg.so\nmissing:libpq.so.5:/opt/venv/lib/python3.11/site-packages/other.so\nchecked:48\n';

  it('reads the probe: each missing library with what needs it, and how many objects were checked', () => {
    assert.deepEqual(missingLibraries(probe), {
      missing: [
        { library: 'libpq.so.5', neededBy: '/opt/venv/lib/python3.11/site-packages/psycopg2/_psycopg.so' },
        { library: 'libpq.so.5', neededBy: '/opt/venv/lib/python3.11/site-packages/other.so' },
      ],
      checked: 48,
    });
    assert.deepEqual(sharedLibsVerdict(missingLibraries('checked:47\n'), {}), { ok: true, detail: 'every library of the interpreter and 47 shared object(s) resolves (ldd)' });
  });

  it('names the runtime package to add, as found in the builder (libpq.so.5 -> libpq5)', () => {
    const verdict = sharedLibsVerdict(missingLibraries(probe), { 'libpq.so.5': 'libpq5' });
    assert.equal(verdict.ok, false);
    assert.match(verdict.detail, /^libpq\.so\.5 \(needed by [^)]*_psycopg\.so, [^)]*other\.so\) is missing at run time; the builder has it from the Debian package libpq5\nfix: add the runtime package to the app stage: RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf \/var\/lib\/apt\/lists\/\*$/);
  });

  it('says where to look when the builder has no package for it either', () => {
    assert.match(sharedLibsVerdict(missingLibraries(probe), {}).detail, /no package in the builder stage provides it either\nfix: find the Debian package that ships it/);
  });

  it('worker tmp: heartbeat files on tmpfs pass; on the overlay they fail with the flag to add; no gunicorn is no verdict', () => {
    const mounts = 'mount:overlay / overlay rw 0 0\nmount:shm /dev/shm tmpfs rw 0 0\nmount:tmpfs /tmp tmpfs rw 0 0\n';
    assert.deepEqual(workerTmpVerdict(`heartbeat:1:/dev/shm/wgunicorn-ab12 (deleted)\nheartbeat:7:/dev/shm/wgunicorn-ab12 (deleted)\nheartbeat:8:/dev/shm/wgunicorn-cd34 (deleted)\n${mounts}`), {
      ok: true,
      detail: '2 gunicorn worker heartbeat file(s), all in /dev/shm (tmpfs)',
    });
    const onDisk = workerTmpVerdict('heartbeat:7:/tmp/wgunicorn-ab12 (deleted)\nmount:overlay / overlay rw 0 0\nmount:shm /dev/shm tmpfs rw 0 0\n');
    assert.equal(onDisk?.ok, false);
    assert.match(onDisk?.detail ?? '', /^1 gunicorn worker heartbeat file\(s\) on \/tmp \(overlay\), not in memory[^\n]*\nfix: add --worker-tmp-dir \/dev\/shm/);
    // A tmpfs mounted on /tmp (docker run --tmpfs /tmp) is memory too: the longest mount point decides.
    assert.equal(workerTmpVerdict(`heartbeat:7:/tmp/wgunicorn-ab12 (deleted)\n${mounts}`)?.ok, true);
    assert.equal(workerTmpVerdict(mounts), undefined);
  });
});

describe('check script output', () => {
  it('summarises the ok lines of test.sh / app-test.sh, ignoring the rest', () => {
    assert.equal(checksPassed('ok - python is 3.11.x\n    detail\nok - git is installed\ndev container ok\n'), '2 checks passed: python is 3.11.x; git is installed');
    assert.equal(checksPassed(''), '0 checks passed: ');
  });
});

describe('HTTP checks follow redirects and pass only on a 2xx at the end', () => {
  const answer = (hops: [string, number][], body = '', unfollowed?: string): HttpAnswer => ({ path: hops[0][0], hops: hops.map(([path, status]) => ({ path, status })), body, ...(unfollowed ? { unfollowed } : {}) });

  it('passes a 2xx, directly or at the end of redirects, and shows the way', () => {
    assert.deepEqual(httpVerdict(answer([['/', 200]], '{"app":"x"}')), { ok: true, detail: 'GET / -> 200 {"app":"x"}' });
    assert.deepEqual(httpVerdict(answer([['/', 301], ['/home/', 200]], 'hi')), { ok: true, detail: 'GET / -> 301, then /home/ -> 200 hi' });
  });

  it('fails a redirect to a failing page (the false green of issue "No false greens"), naming that page', () => {
    const verdict = httpVerdict(answer([['/', 301], ['/notes/', 500]], 'unable to open database file'));
    assert.equal(verdict.ok, false);
    assert.match(verdict.detail, /^GET \/ -> 301, then \/notes\/ -> 500: the redirect from \/ ends at \/notes\/, which answered 500, not 2xx \(unable to open database file\)\nfix: the app failed on this page/);
  });

  it('fails a 404, a 401 and a redirect it may not follow, each with its fix', () => {
    assert.match(httpVerdict(answer([['/', 404]])).detail, /^GET \/ -> 404: \/ answered 404, not 2xx\nfix: \/ does not exist in the app/);
    assert.match(httpVerdict(answer([['/', 302], ['/login', 401]])).detail, /answered 401, not 2xx\nfix: make \/login answer 2xx without credentials/);
    const away = httpVerdict(answer([['/', 302]], '', 'it redirects to https://sso.example.test/login, off the app'));
    assert.equal(away.ok, false);
    assert.match(away.detail, /^GET \/ -> 302: it redirects to https:\/\/sso\.example\.test\/login, off the app\nfix: let \/ answer 2xx itself/);
  });
});

describe('httpFollow against a server', () => {
  let server: http.Server;
  let port: number;
  const seen: string[] = [];
  before(async () => {
    server = http.createServer((request, response) => {
      seen.push(request.url ?? '');
      const routes: Record<string, [number, Record<string, string>, string]> = {
        '/': [301, { location: '/notes/' }, ''],
        '/notes/': [302, { location: `http://127.0.0.1:${port}/page?x=1` }, ''],
        '/page?x=1': [200, {}, 'the page'],
        '/away': [302, { location: 'http://203.0.113.9/elsewhere' }, ''],
        '/loop': [302, { location: '/loop' }, ''],
      };
      const [status, headers, body] = routes[request.url ?? ''] ?? [404, {}, 'no'];
      response.writeHead(status, headers).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('follows relative and same-host redirects to the end', async () => {
    const followed = await httpFollow(`http://127.0.0.1:${port}/`, '/');
    assert.deepEqual(followed.hops, [{ path: '/', status: 301 }, { path: '/notes/', status: 302 }, { path: '/page?x=1', status: 200 }]);
    assert.equal(followed.body, 'the page');
    assert.equal(httpVerdict(followed).ok, true);
  });

  it('records, and never requests, a redirect off the app; stops a loop', async () => {
    seen.length = 0;
    const away = await httpFollow(`http://127.0.0.1:${port}/`, '/away');
    assert.equal(away.unfollowed, 'it redirects to http://203.0.113.9/elsewhere, off the app');
    assert.deepEqual(seen, ['/away']);
    const loop = await httpFollow(`http://127.0.0.1:${port}/`, '/loop');
    assert.equal(loop.unfollowed, 'more than 5 redirects');
    assert.equal(loop.hops.length, 6);
    assert.equal(httpVerdict(loop).ok, false);
  });
});

describe('a build the local package index cannot feed (skipped, not failed)', () => {
  const files: Record<string, string[]> = {
    'pydantic-core': ['pydantic_core-2.46.5-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl'],
    flask: ['flask-3.1.3-py3-none-any.whl'],
  };
  const filesOf = (name: string) => files[name.toLowerCase().replace(/[-_.]+/g, '-')] ?? [];
  const pip = (req: string) => `#12 1.374 ERROR: Could not find a version that satisfies the requirement ${req} (from versions: none)\n#12 1.374 ERROR: No matching distribution found for ${req}\n`;

  it('names the pin the mirror holds only for other Pythons', () => {
    assert.equal(
      indexGap(pip('pydantic_core==2.46.5'), filesOf, '3.13'),
      'the local package index holds pydantic_core 2.46.5 only as pydantic_core-2.46.5-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl: none for Python 3.13. Where PyPI is in reach (or the mirror holds a matching wheel), this variant is tested',
    );
  });

  it('stays a failure for a version the mirror does not hold at all, with PyPI, and for other errors', () => {
    assert.equal(indexGap(pip('flask==9.9.9'), filesOf, '3.13'), undefined, 'a wrong pin is the template\'s or the app\'s fault');
    assert.equal(indexGap(pip('pydantic_core==2.46.5'), undefined, '3.13'), undefined, 'with PyPI there is no mirror to blame');
    assert.equal(indexGap('error: command \'gcc\' failed: No such file or directory', filesOf, '3.13'), undefined);
  });
});

describe('what the app wrote into its image (docker diff)', () => {
  it('passes writes to /tmp and to the image\'s volumes, and counts them', () => {
    const verdict = writesVerdict('C /tmp\nA /tmp/wgunicorn-abc\nC /data\nA /data/app.sqlite3\n', ['/data'], '/app');
    assert.deepEqual(verdict, { ok: true, detail: 'nothing written outside /tmp, /data (2 path(s) there)' });
  });

  it('fails a file written into the code folder, naming it and the fix', () => {
    const verdict = writesVerdict('C /app\nA /app/instance\nA /app/instance/notes.sqlite3\nC /tmp\n', [], '/app');
    assert.equal(verdict.ok, false);
    // The folders listed only because something in them changed are not reported themselves.
    assert.match(verdict.detail, /^the app wrote into its image \(into its code folder \/app\): added \/app\/instance\/notes\.sqlite3\nfix: .*\/tmp \(a tmpfs\).*VOLUME in the app stage/);
  });

  it('fails writes elsewhere in the image (a home folder, a log under /var)', () => {
    const verdict = writesVerdict('C /home\nC /home/app\nA /home/app/.cache\nC /var/log\nA /var/log/app.log\n', [], '/app');
    assert.equal(verdict.ok, false);
    assert.match(verdict.detail, /^the app wrote into its image: added \/home\/app\/\.cache, added \/var\/log\/app\.log\n/);
  });

  it('names bytecode caches without failing on them (Python runs without them under a read-only root)', () => {
    const verdict = writesVerdict('C /app\nA /app/__pycache__\nA /app/__pycache__/wsgi.cpython-311.pyc\n', [], '/app');
    assert.equal(verdict.ok, true);
    assert.match(verdict.detail, /Python wrote 1 bytecode cache file\(s\) \(\/app\/__pycache__\/wsgi\.cpython-311\.pyc\).*compileall/);
  });

  it('does not take /tmpfoo for /tmp', () => {
    assert.equal(writesVerdict('A /tmpfoo\n', [], '/app').ok, false);
  });
});

describe('a write the app could not make, found in its log', () => {
  it('names the path of a PermissionError or a read-only file system, and the fix', () => {
    const denied = knownFailureInLog('Traceback (most recent call last):\n  File "/app/app.py", line 9, in index\nPermissionError: [Errno 13] Permission denied: \'/app/visits.txt\'\n');
    assert.match(denied ?? '', /^the app's log shows it could not write \/app\/visits\.txt \(permission denied: that folder belongs to root in the image\)\nfix: .*\/tmp \(a tmpfs\).*volume/);
    assert.match(knownFailureInLog("OSError: [Errno 30] Read-only file system: '/app/instance'") ?? '', /could not write \/app\/instance \(read-only file system\)/);
  });

  it('names SQLite\'s own words for a database file it cannot open or write', () => {
    assert.match(knownFailureInLog('django.db.utils.OperationalError: unable to open database file') ?? '', /SQLite could not open or write its database file \("unable to open database file"\)/);
    assert.match(knownFailureInLog('sqlite3.OperationalError: attempt to write a readonly database') ?? '', /attempt to write a readonly database/);
  });

  it('names a table the database lacks: migrations never applied, and the release step as the fix', () => {
    assert.match(knownFailureInLog('psycopg.errors.UndefinedTable: relation "notes_note" does not exist\nLINE 1: SELECT ...') ?? '', /^the app's log shows the database has no table notes_note: its migrations were never applied to this database\nfix: run the migrations as the release step/);
    assert.match(knownFailureInLog('sqlite3.OperationalError: no such table: notes') ?? '', /has no table notes:/);
  });

  it('says nothing for another failure', () => {
    assert.equal(knownFailureInLog('KeyError: \'DATABASE_URL\'\n'), undefined);
  });
});

describe('the app log from start to stop', () => {
  const start = '[2026-12-02 19:58:05 +0000] [1] [INFO] Starting gunicorn 26.2.0\n[2026-12-02 19:58:05 +0000] [1] [INFO] Listening at: http://0.0.0.0:8000 (1)\n';
  const access = '127.0.0.1 - - [02/Dec/2026:19:58:28 +0000] "GET /missing HTTP/1.1" 404 21 "-" "curl"\n';

  it('passes a clean start, access lines (a 404 included) and a clean shutdown, counting the lines', () => {
    const clean = logErrorsVerdict(`${start}${access}[2026-12-02 19:58:40 +0000] [7] [INFO] Worker (pid:7) was sent SIGTERM!\n[2026-12-02 19:58:40 +0000] [1] [INFO] Shutting down: Master\n`);
    assert.deepEqual(clean, { ok: true, detail: 'no server error or traceback in 5 log line(s) from start to stop' });
  });

  it('fails on gunicorn\'s control socket error and names the environment variable that fixes it', () => {
    const verdict = logErrorsVerdict(`${start}[2026-12-02 19:58:05 +0000] [1] [ERROR] Control server error: [Errno 13] Permission denied: '/nonexistent'\n${access}`);
    assert.equal(verdict.ok, false);
    assert.match(verdict.detail, /^the app's log holds 1 error\(s\) although it answered:\n {2}\[2026-12-02 19:58:05 \+0000\] \[1\] \[ERROR\] Control server error: \[Errno 13\] Permission denied: '\/nonexistent'\nfix: .*ENV XDG_RUNTIME_DIR=\/tmp/);
  });

  it('quotes a traceback by its exception line, a worker timeout and uvicorn\'s own errors, each once', () => {
    const traceback = 'Traceback (most recent call last):\n  File "/app/app.py", line 3, in <module>\n    worker()\nRuntimeError: the worker thread died\n';
    const verdict = logErrorsVerdict(`${start}${traceback}${traceback}[2026-12-02 19:59:00 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:8)\nERROR:    Exception in ASGI application\n`);
    assert.equal(verdict.ok, false);
    assert.match(verdict.detail, /holds 3 error\(s\)/);
    assert.match(verdict.detail, /\[CRITICAL\] WORKER TIMEOUT \(pid:8\)/);
    assert.match(verdict.detail, /^ {2}ERROR: {4}Exception in ASGI application$/m);
    assert.match(verdict.detail, /^ {2}traceback: RuntimeError: the worker thread died$/m);
    assert.match(verdict.detail, /\nfix: a healthy app starts, answers and stops without errors/);
  });

  it('names the known fix when the traceback is a write the image does not allow', () => {
    const verdict = logErrorsVerdict('Traceback (most recent call last):\n  File "/app/app.py", line 9, in index\nPermissionError: [Errno 13] Permission denied: \'/app/visits.txt\'\n');
    assert.match(verdict.detail, /traceback: PermissionError: \[Errno 13\] Permission denied: '\/app\/visits\.txt'\nfix: the image's folders are not the app's to write/);
  });
});
