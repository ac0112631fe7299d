import * as assert from 'node:assert/strict';
import type { Diagnostic } from '../../src/diagnostics';
import { render, type RenderOptions } from '../../src/render';

const diagnostics: Diagnostic[] = [
  { ruleId: 'build-target-exists', severity: 'error', messageId: 'unknownTarget', message: 'bad target', file: 't/.devcontainer/devcontainer.json', line: 2, column: 5 },
  { ruleId: 'template-option-used', severity: 'warning', messageId: 'unused', message: 'unused option', file: 't/devcontainer-template.json' },
];
const options: RenderOptions = {
  color: false,
  readSource: (file) => (file.endsWith('devcontainer.json') ? '{\n    "target": "dev"\n}\n' : undefined),
  rules: [
    { id: 'build-target-exists', description: 'Open on an existing stage.', severity: 'error' },
    { id: 'template-option-used', description: 'Use every option.', severity: 'warning' },
  ],
  toolVersion: '0.0.0-test',
};

describe('rendering diagnostics', () => {
  it('text: file:line:col, severity, message, rule id, the line and a caret under the column', () => {
    const text = render('text', diagnostics, options);
    const lines = text.split('\n');
    assert.equal(lines[0], 't/.devcontainer/devcontainer.json:2:5  error  bad target  build-target-exists');
    assert.equal(lines[1], '    2 |     "target": "dev"');
    assert.equal(lines[2], `    ${' '.repeat(4 + 4)}^`);
    assert.equal(lines[3], 't/devcontainer-template.json  warning  unused option  template-option-used');
    assert.match(text, /1 error\(s\), 1 warning\(s\), 0 info\.\n$/);
  });

  it('text: says so when there is nothing', () => {
    assert.equal(render('text', [], options), 'No problems found.\n');
  });

  it('text: colours only when asked', () => {
    assert.doesNotMatch(render('text', diagnostics, options), /\u001b\[/);
    assert.match(render('text', diagnostics, { ...options, color: true }), /\u001b\[31merror/);
  });

  it('json: an array with ruleId, severity, message, file and 1-based line/column where known', () => {
    const parsed: unknown = JSON.parse(render('json', diagnostics, options));
    assert.deepEqual(parsed, [
      { ruleId: 'build-target-exists', severity: 'error', message: 'bad target', file: 't/.devcontainer/devcontainer.json', line: 2, column: 5, messageId: 'unknownTarget' },
      { ruleId: 'template-option-used', severity: 'warning', message: 'unused option', file: 't/devcontainer-template.json', messageId: 'unused' },
    ]);
    assert.equal(render('json', [], options), '[]\n');
  });

  it('json: names the option variant a diagnostic appears under', () => {
    const withVariant: Diagnostic = { ...diagnostics[0], message: 'With port="8080": bad', variant: 'port="8080"' };
    const [parsed] = JSON.parse(render('json', [withVariant], options)) as Record<string, unknown>[];
    assert.equal(parsed.variant, 'port="8080"');
    assert.equal(parsed.message, 'With port="8080": bad');
  });

  it('sarif: 2.1.0 with rules, levels and physical locations', () => {
    const sarif = JSON.parse(render('sarif', diagnostics, options)) as {
      version: string;
      runs: { tool: { driver: { name: string; rules: { id: string; help: { text: string } }[] } }; results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number; startColumn: number } } }[] }[] }[];
    };
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0];
    assert.equal(run.tool.driver.name, 'stagepack');
    assert.deepEqual(run.tool.driver.rules.map((r) => r.id), ['build-target-exists', 'template-option-used']);
    assert.deepEqual(run.results.map((r) => [r.ruleId, r.ruleIndex, r.level]), [['build-target-exists', 0, 'error'], ['template-option-used', 1, 'warning']]);
    assert.deepEqual(run.results[0].locations[0].physicalLocation, { artifactLocation: { uri: 't/.devcontainer/devcontainer.json' }, region: { startLine: 2, startColumn: 5 } });
    assert.equal(run.results[1].locations[0].physicalLocation.region, undefined);
  });
});
