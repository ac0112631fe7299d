import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { compileSchemas } from '../../src/lint/compile-schemas';
import { compiledPath, newAjv, precompiled, SCHEMAS, schemaHash, validator } from '../../src/lint/schemas';

/** The build's standalone validators must judge exactly as ajv compiling the schema at run time does. */
describe('precompiled schema validators', () => {
  before(() => compileSchemas());

  const samples: Record<keyof typeof SCHEMAS, unknown[]> = {
    'devcontainer-template': [
      { id: 'x', version: '1.0.0', name: 'X' },
      { id: 'Bad Id', version: 1, name: '', options: { a: { type: 'number', default: 1 } } },
      { id: 'x', version: '1.0.0', name: 'X', options: { a: { type: 'string', default: 'a', enum: ['a'], proposals: ['b'] } }, keywords: 'nope' },
    ],
    'devcontainer-feature': [
      { id: 'f', version: '1.0.0', name: 'F' },
      { id: 'f', version: '1.0.0', name: 'F', options: { 'index-url': { type: 'boolean', default: 'maybe' } }, installsAfter: 'x' },
    ],
    devcontainer: [
      { build: { dockerfile: '../Dockerfile', target: 'development' }, forwardPorts: [8000, 'db:5432'] },
      { build: { dockerfile: 42 }, init: 'true', shutdownAction: 'stop', forwardPorts: [true], postCreateCommand: 7, hostRequirements: { cpus: 0, memory: '8 GB' } },
    ],
  };

  for (const name of Object.keys(SCHEMAS) as (keyof typeof SCHEMAS)[]) {
    it(`${name}: the compiled module is current and gives ajv's own verdicts and errors`, () => {
      const module = require(compiledPath(name)) as { schemaHash: string };
      assert.equal(module.schemaHash, schemaHash(SCHEMAS[name]));
      const runtime = newAjv().compile(SCHEMAS[name]);
      const compiled = validator(name);
      assert.notEqual(compiled, runtime);
      for (const sample of samples[name]) {
        assert.equal(compiled(sample), runtime(sample), JSON.stringify(sample));
        assert.deepEqual(compiled.errors ?? null, runtime.errors ?? null, JSON.stringify(sample));
      }
    });
  }

  it('is not used once the schema changed (falls back to compiling)', () => {
    const file = compiledPath('devcontainer');
    const original = fs.readFileSync(file, 'utf8');
    try {
      fs.writeFileSync(file, original.replace(/schemaHash = "[0-9a-f]+"/, 'schemaHash = "stale"'));
      delete require.cache[require.resolve(file)];
      assert.equal(precompiled('devcontainer'), undefined);
      delete require.cache[require.resolve(file)];
      fs.writeFileSync(file, original);
      assert.equal(typeof precompiled('devcontainer'), 'function');
    } finally {
      fs.writeFileSync(file, original);
      delete require.cache[require.resolve(file)];
    }
  });
});
