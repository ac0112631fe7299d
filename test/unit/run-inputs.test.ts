import * as assert from 'node:assert/strict';
import { optionVariants } from '../../src/template-options';
import { checkPathProblem, optionValueProblem, parseAssignment, parseEnvFile } from '../../src/testing/run-inputs';

describe('what a user hands stagepack test about their app (--option, --env, --env-file, --check-path)', () => {
  it('splits NAME=VALUE at the first =, keeping empty values and further =', () => {
    assert.deepEqual(parseAssignment('djangoProject=blog', 'option'), { ok: true, value: ['djangoProject', 'blog'] });
    assert.deepEqual(parseAssignment('DATABASE_URL=postgresql://u:p@db/x?a=b', 'env'), { ok: true, value: ['DATABASE_URL', 'postgresql://u:p@db/x?a=b'] });
    assert.deepEqual(parseAssignment('EMPTY=', 'env'), { ok: true, value: ['EMPTY', ''] });
    // NAME alone: from stagepack's own environment, as docker run -e NAME.
    assert.deepEqual(parseAssignment('SECRET_KEY', 'env'), { ok: true, value: ['SECRET_KEY', undefined] });
  });

  it('refuses a malformed assignment with the fix', () => {
    const noValue = parseAssignment('pythonVersion', 'option');
    assert.equal(noValue.ok, false);
    assert.match(!noValue.ok ? `${noValue.problem} / ${noValue.fix}` : '', /--option pythonVersion: expected NAME=VALUE.* \/ write it as --option pythonVersion=3\.12/);
    assert.equal(parseAssignment('python-version=3', 'option').ok, false);
    assert.equal(parseAssignment('1BAD=x', 'env').ok, false);
    const multiline = parseAssignment('KEY=a\nb', 'env');
    assert.match(!multiline.ok ? multiline.problem : '', /line break or NUL/);
  });

  it('reads an env file as docker run --env-file does', () => {
    const text = '\uFEFF# comment\n\nDATABASE_URL=postgresql://x\r\nQUOTED="kept as is"\n  INDENTED=yes\nFROM_ENV\nUNSET_HERE\nEQ=a=b\n';
    const parsed = parseEnvFile(text, 'app.env', { FROM_ENV: 'outer' });
    assert.ok(parsed.ok);
    assert.deepEqual({ ...parsed.value }, { DATABASE_URL: 'postgresql://x', QUOTED: '"kept as is"', INDENTED: 'yes', FROM_ENV: 'outer', EQ: 'a=b' });
  });

  it('names the file and line of a bad env file line, and keeps a __proto__ key as data', () => {
    const bad = parseEnvFile('OK=1\nnot a name=2\n', 'app.env', {});
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.problem : '', /^app\.env:2:1: "not a name" is not an environment variable name$/);
    const proto = parseEnvFile('__proto__=x\n', 'app.env', {});
    assert.ok(proto.ok && Object.keys(proto.value).includes('__proto__'));
    assert.equal(Object.getPrototypeOf(proto.ok ? proto.value : {}), null);
  });

  it('accepts absolute printable check paths only', () => {
    assert.equal(checkPathProblem('/api/items?limit=1'), undefined);
    assert.match(checkPathProblem('api') ?? '', /does not start with \//);
    assert.match(checkPathProblem('//other.example/') ?? '', /names another host/);
    assert.match(checkPathProblem('/a b') ?? '', /space, a control character or a #/);
    assert.match(checkPathProblem('/x#frag') ?? '', /#/);
    assert.match(checkPathProblem(`/${'a'.repeat(2000)}`) ?? '', /longer than 2,000/);
  });

  it('checks an option value against the template: known name, enum, boolean', () => {
    const options = { pythonVersion: { type: 'string', proposals: ['3.11'] }, server: { type: 'string', enum: ['gunicorn', 'uwsgi'] }, debug: { type: 'boolean' } };
    assert.equal(optionValueProblem('pythonVersion', '3.10', options), undefined, 'proposals are suggestions');
    assert.match(optionValueProblem('port', '1', options) ?? '', /has no option "port" \(its options: pythonVersion, server, debug\)/);
    assert.match(optionValueProblem('server', 'waitress', options) ?? '', /"server" must be one of "gunicorn", "uwsgi", not "waitress"/);
    assert.match(optionValueProblem('debug', 'yes', options) ?? '', /boolean option/);
    assert.match(optionValueProblem('toString', 'x', options) ?? '', /has no option "toString"/);
  });

  it('fixes --option values in every run and never varies them', () => {
    const options = { pythonVersion: { type: 'string', default: '3.11', proposals: ['3.11', '3.12'] }, port: { type: 'string', default: '8000', proposals: ['8000', '8080'] } };
    const variants = optionVariants(options, { pythonVersion: '3.13' });
    assert.deepEqual(variants.map((v) => [v.option, v.values]), [
      [undefined, { pythonVersion: '3.13', port: '8000' }],
      ['port', { pythonVersion: '3.13', port: '8080' }],
    ]);
  });
});
