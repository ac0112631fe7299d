import * as assert from 'node:assert/strict';
import { ChecksFileError, checkTitle, commandVerdict, declaredHttpVerdict, fileVerdict, mergeChecks, parseChecksFile, type CommandCheck, type FileCheck, type HttpCheck } from '../../src/testing/declared-checks';

/** The declared checks file: its form, its refusals (file:line:column and a fix), and each kind's verdict. */
describe('declared checks (.devcontainer/stagepack-checks.json, project-checks.json)', () => {
  const file = '.devcontainer/stagepack-checks.json';

  function refused(text: string): ChecksFileError {
    try {
      parseChecksFile(text, file);
    } catch (error) {
      if (error instanceof ChecksFileError) return error;
      throw error;
    }
    assert.fail(`accepted: ${text}`);
  }

  it('reads the three kinds with their defaults', () => {
    const checks = parseChecksFile(`{
      // comments and trailing commas, as in devcontainer.json
      "checks": [
        { "id": "deploy-settings", "command": ["python", "manage.py", "check", "--deploy"], "outputExcludes": ["security\\\\.W018"] },
        { "id": "no-dev-database", "file": "/app/db.sqlite3", "exists": false },
        { "id": "note-write", "http": "/api/notes", "method": "post", "json": { "text": "{{nonce}}" }, "status": 201 },
        { "id": "note-read", "http": "/api/notes?q={{nonce}}", "bodyMatches": ["{{nonce}}"] },
      ],
    }`, file);
    assert.deepEqual(checks.map((c) => [c.id, c.kind]), [['deploy-settings', 'command'], ['no-dev-database', 'file'], ['note-write', 'http'], ['note-read', 'http']]);
    const command = checks[0] as CommandCheck;
    assert.equal(command.exitCode, 0);
    assert.equal(command.timeoutSeconds, 120);
    const write = checks[2] as HttpCheck;
    assert.equal(write.method, 'POST');
    assert.equal(write.body, '{"text":"{{nonce}}"}');
    assert.equal(write.headers['content-type'], 'application/json');
    assert.equal(write.followRedirects, false, 'a POST is not followed through redirects');
    const read = checks[3] as HttpCheck;
    assert.equal(read.status, undefined, 'no status: any 2xx');
    assert.equal(read.followRedirects, true);
    assert.equal(checkTitle(read), 'GET /api/notes?q={{nonce}} answers 2xx');
    assert.equal(checkTitle(checks[1]), '/app/db.sqlite3 is not in the app image');
  });

  const cases: [string, string, RegExp][] = [
    ['not JSON', '{"checks": [', /:1:13: not valid JSON/],
    ['not an object', '[]', /:1:1: the file must hold an object/],
    ['an unknown top-level key', '{"check": []}', /:1:2: unknown key "check"/],
    ['checks not a list', '{"checks": {}}', /:1:12: "checks" must be a list/],
    ['no kind', '{"checks": [{"id": "a"}]}', /:1:13: check 1 must have exactly one of "command", "file" or "http"/],
    ['two kinds', '{"checks": [{"id": "a", "http": "/", "file": "/x", "exists": true}]}', /it has file and http/],
    ['a misspelt key', '{"checks": [{"id": "a", "command": ["true"], "outputMatch": ["x"]}]}', /:1:46: "outputMatch" is not a key of a command check/],
    ['an id that is not kebab-case', '{"checks": [{"id": "Deploy_Check", "command": ["true"]}]}', /the id "Deploy_Check" is not kebab-case/],
    ['an id used twice', '{"checks": [{"id": "a", "command": ["true"]},\n{"id": "a", "command": ["false"]}]}', /:2:8: the id "a" is used twice \(also by check 1\)/],
    ['a command as a string', '{"checks": [{"id": "a", "command": "python manage.py check"}]}', /"command" must be a non-empty list of strings/],
    ['an exit code out of range', '{"checks": [{"id": "a", "command": ["true"], "exitCode": 256}]}', /"exitCode" must be a whole number from 0 to 255/],
    ['a bad regular expression', '{"checks": [{"id": "a", "command": ["true"], "outputMatches": ["(unclosed"]}]}', /is not a valid regular expression/],
    ['a relative file', '{"checks": [{"id": "a", "file": "app/x", "exists": true}]}', /"file" must be an absolute path/],
    ['a file check without exists', '{"checks": [{"id": "a", "file": "/app/x"}]}', /a file check needs "exists": true or false/],
    ['a path to another host', '{"checks": [{"id": "a", "http": "//evil.example/"}]}', /starts with \/\/, which names another host/],
    ['a method it does not send', '{"checks": [{"id": "a", "http": "/", "method": "TRACE"}]}', /"TRACE" is not a method the checks send/],
    ['a body on a GET', '{"checks": [{"id": "a", "http": "/", "body": "x"}]}', /a GET request carries no body/],
    ['body and json', '{"checks": [{"id": "a", "http": "/", "method": "POST", "body": "x", "json": {}}]}', /"body" or "json", not both/],
    ['a header with a newline', '{"checks": [{"id": "a", "http": "/", "headers": {"X-A": "1\\r\\nX-B: 2"}}]}', /must be a token with a one-line string value/],
    ['a Host header', '{"checks": [{"id": "a", "http": "/", "headers": {"Host": "x"}}]}', /the Host header is set by the check/],
    ['a followed POST', '{"checks": [{"id": "a", "http": "/", "method": "POST", "followRedirects": true}]}', /only GET and HEAD requests are followed/],
    ['too many checks', `{"checks": [${Array.from({ length: 101 }, (_, i) => `{"id": "c${i}", "command": ["true"]}`).join(',')}]}`, /101 checks, over the limit of 100/],
  ];
  for (const [what, text, expected] of cases) {
    it(`refuses ${what}, naming the place and the fix`, () => {
      const error = refused(text);
      assert.match(error.message, expected);
      assert.ok(error.message.startsWith(`${file}:`), error.message);
      assert.ok(error.fix.length > 10, 'a fix is given');
    });
  }

  it('keeps a check named __proto__-like out of harm: ids are kebab-case, so none reaches a prototype', () => {
    assert.match(refused('{"checks": [{"id": "__proto__", "command": ["true"]}]}').message, /not kebab-case/);
  });

  it('lets a project check replace the template check of the same id, in its place', () => {
    const template = parseChecksFile('{"checks": [{"id": "a", "command": ["true"]}, {"id": "b", "command": ["true"]}]}', 'template');
    const project = parseChecksFile('{"checks": [{"id": "c", "http": "/x"}, {"id": "a", "command": ["true"], "skip": "we check this in CI"}]}', 'project');
    const merged = mergeChecks(template, project);
    assert.deepEqual(merged.map((c) => `${c.id}:${c.source}`), ['a:project', 'b:template', 'c:project']);
    assert.equal(merged[0].skip, 'we check this in CI');
  });

  it('judges a command by its exit code, then what its output must and must not hold', () => {
    const [check] = parseChecksFile('{"checks": [{"id": "deploy", "command": ["python", "manage.py", "check", "--deploy"], "outputMatches": ["System check identified"], "outputExcludes": ["security\\\\.W018"], "fix": "set DEBUG=False"}]}', file) as CommandCheck[];
    assert.equal(commandVerdict(check, 0, 'System check identified 2 issues (0 silenced).\n', 'n').ok, true);
    const failed = commandVerdict(check, 1, 'CommandError: boom\n', 'n');
    assert.equal(failed.ok, false);
    assert.match(failed.detail, /exited 1, not 0\nCommandError: boom\nfix: set DEBUG=False \(declared in \.devcontainer\/stagepack-checks\.json\)$/);
    const debug = commandVerdict(check, 0, 'System check identified some issues:\n?: (security.W018) You should not have DEBUG set to True in deployment.\n', 'n');
    assert.equal(debug.ok, false);
    assert.match(debug.detail, /^the output has \/security\\\.W018\/: \?: \(security\.W018\) You should not have DEBUG/);
    assert.equal(commandVerdict(check, 0, 'nothing said\n', 'n').ok, false, 'a required line that is missing fails');
  });

  it('judges a file by whether it exists', () => {
    const [mustNot, must] = parseChecksFile('{"checks": [{"id": "a", "file": "/app/db.sqlite3", "exists": false}, {"id": "b", "file": "/app/manage.py", "exists": true}]}', file) as FileCheck[];
    assert.equal(fileVerdict(mustNot, false).ok, true);
    assert.match(fileVerdict(mustNot, true).detail, /is in the app image, and must not be\nfix: keep it out of the build context/);
    assert.equal(fileVerdict(must, true).ok, true);
    assert.match(fileVerdict(must, false).detail, /is not in the app image\nfix: COPY it/);
  });

  it('judges an HTTP answer at the end of its redirects, with this run\'s nonce', () => {
    const [read, write] = parseChecksFile('{"checks": [{"id": "r", "http": "/notes", "bodyMatches": ["\\"{{nonce}}\\""]}, {"id": "w", "http": "/notes", "method": "POST", "body": "t={{nonce}}", "status": 201}]}', file) as HttpCheck[];
    const ok = declaredHttpVerdict(read, { path: '/notes', hops: [{ path: '/notes', status: 301 }, { path: '/notes/', status: 200 }], body: '["sp1234"]' }, 'sp1234');
    assert.equal(ok.ok, true, ok.detail);
    const stale = declaredHttpVerdict(read, { path: '/notes', hops: [{ path: '/notes', status: 200 }], body: '["sp0000"]' }, 'sp1234');
    assert.match(stale.detail, /the body does not match/, 'a row of another run is not this run\'s write');
    const redirectToError = declaredHttpVerdict(read, { path: '/notes', hops: [{ path: '/notes', status: 302 }, { path: '/login', status: 500 }], body: 'no such table: notes' }, 'x');
    assert.match(redirectToError.detail, /GET \/notes -> 302, then \/login -> 500: expected a 2xx, got 500 \(no such table: notes\)\nfix: the app failed on this request.*migrations/);
    assert.equal(declaredHttpVerdict(write, { path: '/notes', hops: [{ path: '/notes', status: 201 }], body: '' }, 'x').ok, true);
    assert.match(declaredHttpVerdict(write, { path: '/notes', hops: [{ path: '/notes', status: 200 }], body: '' }, 'x').detail, /^POST \/notes -> 200: expected 201, got 200/);
  });
});
