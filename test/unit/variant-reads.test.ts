import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lintTargets, setVariantSkipping } from '../../src/lint/lint';
import { rules } from '../../src/lint/rules';
import { discoverTargets, type TargetRef } from '../../src/pack';
import { PACKAGE_ROOT } from '../../src/version';

/**
 * Rules that declare `dockerfileReads` are not run again on an option variant that leaves those
 * instructions as the defaults' (src/lint/lint.ts). Skipping must never change what lint reports: the pack
 * and a set of broken variants are linted both ways and must give the same diagnostics.
 */
describe('skipping Dockerfile-only rules on variants that cannot affect them', () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-variant-reads-'));
  });
  after(() => {
    setVariantSkipping(true);
    fs.rmSync(root, { recursive: true, force: true });
  });

  /**
   * A copy of flask-gunicorn with options whose other value (and only that) is a defect in an instruction of
   * each kind the declared rules read.
   */
  function brokenVariants(): TargetRef[] {
    const dir = path.join(root, 'templates', 'variant-defects');
    fs.cpSync(path.join(PACKAGE_ROOT, 'templates', 'flask-gunicorn'), dir, { recursive: true });
    const options: Record<string, [string, string]> = {
      appUser: ['10001', 'root'],
      appCmd: ['["gunicorn", "app:app"]', 'gunicorn app:app'],
      extraSource: ['https://example.com/a.tgz', 'NOTES.md'],
      workDir: ['/srv', 'srv'],
      aptTool: ['true', 'apt-get'],
      envName: ['APP_MODE', 'API_TOKEN'],
      copySource: ['builder', 'nowhere'],
    };
    const metadataPath = path.join(dir, 'devcontainer-template.json');
    const metadata = JSON.parse(fs.readFileSync(metadataPath, 'utf8')) as { id: string; options: Record<string, unknown> };
    metadata.id = 'variant-defects';
    for (const [name, [good, bad]] of Object.entries(options)) metadata.options[name] = { type: 'string', description: name, default: good, proposals: [good, bad] };
    fs.writeFileSync(metadataPath, JSON.stringify(metadata, null, 2));
    const dockerfilePath = path.join(dir, 'Dockerfile');
    const lines = [
      'ADD ${templateOption:extraSource} /tmp/',
      'WORKDIR ${templateOption:workDir}',
      'RUN ${templateOption:aptTool} install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*',
      'ENV ${templateOption:envName}=x',
      'COPY --from=${templateOption:copySource} /opt/venv /opt/venv2',
    ];
    let dockerfile = fs.readFileSync(dockerfilePath, 'utf8').replace(/^FROM base AS app$/m, `FROM base AS app\n${lines.join('\n')}`);
    dockerfile = dockerfile.replace(/^USER \$\{APP_UID\}:\$\{APP_UID\}$/m, 'USER ${templateOption:appUser}').replace(/^CMD \[.*\]$/m, 'CMD ${templateOption:appCmd}');
    fs.writeFileSync(dockerfilePath, dockerfile);
    const discovered = discoverTargets([dir], root);
    assert.ok(discovered.ok);
    return discovered.targets;
  }

  it('gives the same diagnostics as running every rule on every variant, on the pack and on variant-only defects', () => {
    const pack = discoverTargets([PACKAGE_ROOT], PACKAGE_ROOT);
    assert.ok(pack.ok);
    const targets = [...pack.targets, ...brokenVariants()];
    setVariantSkipping(false);
    const everyRule = lintTargets(targets);
    setVariantSkipping(true);
    const skipping = lintTargets(targets);
    assert.deepEqual(skipping, everyRule);
    // Each declared rule must have found its defect under the bad value only, or the comparison proves little.
    const variantOnly = new Set(everyRule.filter((d) => d.variant).map((d) => d.ruleId));
    for (const id of ['app-non-root-user', 'app-exec-form', 'prefer-copy', 'workdir-absolute', 'apt-get-hygiene', 'no-secrets-in-build-args', 'copy-from-known-stage']) assert.ok(variantOnly.has(id), `no variant-only ${id} diagnostic`);
  });

  it('is declared only by applied rules', () => {
    for (const rule of rules.filter((r) => r.meta.dockerfileReads)) assert.equal(rule.meta.scope, 'applied', rule.id);
  });
});
