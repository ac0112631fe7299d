import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lintTargets, setVariantSkipping } from '../../src/lint/lint';
import { rules } from '../../src/lint/rules';
import { discoverTargets, type TargetRef } from '../../src/pack';
import { PACKAGE_ROOT } from '../../src/version';

/**
 * Rules that declare what they read (`dockerfileReads`, `configReads`) are not run again on an option
 * variant that leaves all of it as the defaults' (src/lint/lint.ts). Skipping must never change what lint
 * reports: the pack and a set of broken variants are linted both ways and must give the same diagnostics.
 */
describe('skipping declared rules on variants that cannot affect them', () => {
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
   * each kind the declared rules read, or in devcontainer.json. `structural`: options that name a stage or
   * its parent instead, which make lint parse each variant's Dockerfile whole (nothing can be skipped there;
   * they are kept apart so that they do not turn skipping off for the others).
   */
  function brokenVariants(structural: boolean): TargetRef[] {
    const dir = path.join(root, 'templates', structural ? 'variant-structure' : 'variant-defects');
    fs.cpSync(path.join(PACKAGE_ROOT, 'templates', 'flask-gunicorn'), dir, { recursive: true });
    const structureOptions: Record<string, [string, string]> = {
      baseName: ['base', 'basis'],
      appParent: ['base', 'python:3.11-slim-bookworm'],
    };
    const instructionOptions: Record<string, [string, string]> = {
      appUser: ['10001', 'root'],
      appCmd: ['["gunicorn", "app:app"]', 'gunicorn app:app'],
      extraSource: ['https://example.com/a.tgz', 'NOTES.md'],
      workDir: ['/srv', 'srv'],
      aptTool: ['true', 'apt-get'],
      envName: ['APP_MODE', 'API_TOKEN'],
      copySource: ['builder', 'nowhere'],
      exposedPort: ['8000', '9999'],
      probeTool: ['python', 'curl'],
      extraImage: ['python:3.11-slim-bookworm', 'python:3.11-alpine'],
      extraTag: ['3.11-slim-bookworm', 'latest'],
      extraFrom: ['python:3.11-slim-bookworm', '${UNDECLARED_BASE}'],
      devTarget: ['development', 'dev'],
      shutdown: ['none', 'sometimes'],
      title: ['Flask', 'Fl"ask'],
      wsFolder: ['/workspaces/${localWorkspaceFolderBasename}', '/srv/app'],
      dockerfileName: ['Dockerfile', 'Dockerfile.dev'],
      // A value that closes its string and adds a property: the variant's devcontainer.json has another shape
      // than the template's, so where the template uses the option says nothing of what it changes.
      injected: ['app', 'app", "workspaceMount": "source=/tmp,target=/elsewhere,type=bind'],
      // A property whose name is the option's value (a compose file the template does not ship).
      keyName: ['postStartCommand', 'dockerComposeFile'],
    };
    const options = structural ? structureOptions : instructionOptions;
    const metadataPath = path.join(dir, 'devcontainer-template.json');
    const metadata = JSON.parse(fs.readFileSync(metadataPath, 'utf8')) as { id: string; options: Record<string, unknown> };
    metadata.id = path.basename(dir);
    for (const [name, [good, bad]] of Object.entries(options)) metadata.options[name] = { type: 'string', description: name, default: good, proposals: [good, bad] };
    // The app's port stays 8000: its other values would make the EXPOSE below wrong too, at the same place.
    metadata.options.port = { type: 'string', description: 'port', default: '8000', proposals: ['8000'] };
    fs.writeFileSync(metadataPath, JSON.stringify(metadata, null, 2));
    const dockerfilePath = path.join(dir, 'Dockerfile');
    if (structural) {
      const text = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')
        .replace(/^(FROM python:\$\{PYTHON_VERSION\}-slim-bookworm AS) base$/m, '$1 ${templateOption:baseName}')
        .replace(/^FROM base AS app$/m, 'FROM ${templateOption:appParent} AS app');
      fs.writeFileSync(path.join(dir, 'Dockerfile'), text);
      const discovered = discoverTargets([dir], root);
      assert.ok(discovered.ok);
      return discovered.targets;
    }
    const lines = [
      'ADD ${templateOption:extraSource} /tmp/',
      'WORKDIR ${templateOption:workDir}',
      'RUN ${templateOption:aptTool} install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*',
      'ENV ${templateOption:envName}=x',
      'COPY --from=${templateOption:copySource} /opt/venv /opt/venv2',
    ];
    let dockerfile = fs.readFileSync(dockerfilePath, 'utf8').replace(/^FROM base AS app$/m, `FROM base AS app\n${lines.join('\n')}`);
    dockerfile = dockerfile.replace(/^USER \$\{APP_UID\}:\$\{APP_UID\}$/m, 'USER ${templateOption:appUser}').replace(/^CMD \[.*\]$/m, 'CMD ${templateOption:appCmd}');
    dockerfile = dockerfile
      .replace(/^EXPOSE .*$/m, 'EXPOSE ${templateOption:exposedPort}')
      .concat('HEALTHCHECK CMD ["${templateOption:probeTool}", "-c", "print(1)"]\n')
      .concat('FROM ${templateOption:extraImage} AS extra1\nFROM python:${templateOption:extraTag} AS extra2\nFROM ${templateOption:extraFrom} AS extra3\n');
    fs.writeFileSync(dockerfilePath, dockerfile);
    // devcontainer.json: a value only one option value breaks, for each rule that reads it.
    const configPath = path.join(dir, '.devcontainer', 'devcontainer.json');
    const config = fs.readFileSync(configPath, 'utf8')
      .replace('"name": "Flask + gunicorn', '"shutdownAction": "${templateOption:shutdown}",\n  "workspaceFolder": "${templateOption:wsFolder}",\n  "name": "${templateOption:title} + gunicorn')
      .replace('"target": "development"', '"target": "${templateOption:devTarget}"')
      .replace('"dockerfile": "../Dockerfile"', '"dockerfile": "../${templateOption:dockerfileName}"')
      .replace('"remoteUser": "dev",', '"remoteUser": "dev",\n  "postCreateCommand": "echo ${templateOption:injected}",\n  "${templateOption:keyName}": "compose.yaml",');
    fs.writeFileSync(configPath, config);
    const discovered = discoverTargets([dir], root);
    assert.ok(discovered.ok);
    return discovered.targets;
  }

  it('gives the same diagnostics as running every rule on every variant, on the pack and on variant-only defects', () => {
    const pack = discoverTargets([PACKAGE_ROOT], PACKAGE_ROOT);
    assert.ok(pack.ok);
    const targets = [...pack.targets, ...brokenVariants(false), ...brokenVariants(true)];
    setVariantSkipping(false);
    const everyRule = lintTargets(targets);
    setVariantSkipping(true);
    const skipping = lintTargets(targets);
    assert.deepEqual(skipping, everyRule);
    // Each declared rule must have found its defect under the bad value only, or the comparison proves little.
    const variantOnly = new Set(everyRule.filter((d) => d.variant).map((d) => d.ruleId));
    const declared = [
      'app-non-root-user', 'app-exec-form', 'prefer-copy', 'workdir-absolute', 'apt-get-hygiene', 'no-secrets-in-build-args', 'copy-from-known-stage',
      'expose-matches-bind', 'app-healthcheck', 'no-alpine-python', 'base-image-tag', 'from-args-declared', 'dockerfile-base-stage', 'stages-descend-from-base',
      'build-target-exists', 'devcontainer-schema', 'jsonc-syntax', 'workspace-folder-mount', 'user-provided-files',
    ];
    for (const id of declared) assert.ok(variantOnly.has(id), `no variant-only ${id} diagnostic`);
  });

  it('is declared only by applied rules', () => {
    for (const rule of rules.filter((r) => r.meta.dockerfileReads || r.meta.configReads)) assert.equal(rule.meta.scope, 'applied', rule.id);
  });
});

/**
 * A default value with a line break makes lint parse the defaults' applied Dockerfile (substituting into the
 * model could not make the lines the CLI writes), and map its positions back; here the instructions stay as
 * many, so a variant could be built from those defaults. The variants built from those
 * defaults must report at the template's own lines too, not at the applied text's.
 */
describe('variants of defaults whose Dockerfile had to be parsed', () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-variant-lines-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('report a finding of every variant once, at the line of the template file', () => {
    const dir = path.join(root, 'templates', 'multi-line-default');
    fs.cpSync(path.join(PACKAGE_ROOT, 'templates', 'flask-gunicorn'), dir, { recursive: true });
    const metadataPath = path.join(dir, 'devcontainer-template.json');
    const metadata = JSON.parse(fs.readFileSync(metadataPath, 'utf8')) as { id: string; options: Record<string, unknown> };
    metadata.id = 'multi-line-default';
    metadata.options.note = { type: 'string', description: 'note', default: 'one \\\ntwo', proposals: ['one \\\ntwo'] };
    metadata.options.appUser = { type: 'string', description: 'user', default: '10001', proposals: ['10001', 'root'] };
    fs.writeFileSync(metadataPath, JSON.stringify(metadata, null, 2));
    const dockerfilePath = path.join(dir, 'Dockerfile');
    const dockerfile = fs
      .readFileSync(dockerfilePath, 'utf8')
      // One instruction on two lines once applied (a continuation), above the rest of the app stage.
      .replace(/^FROM base AS app$/m, 'FROM base AS app\nRUN echo ${templateOption:note}')
      .replace(/^USER \$\{APP_UID\}:\$\{APP_UID\}$/m, 'USER ${templateOption:appUser}')
      // A defect of every variant below the continuation, in an instruction no option touches (a shell-form
      // ENTRYPOINT), which app-exec-form reads again on each wsgiApp variant (those change the CMD).
      .replace(/^(CMD \["gunicorn".*)$/m, 'ENTRYPOINT exec-wrapper\n$1');
    fs.writeFileSync(dockerfilePath, dockerfile);
    const entrypointLine = dockerfile.split('\n').findIndex((line) => line.startsWith('ENTRYPOINT exec-wrapper')) + 1;
    const discovered = discoverTargets([dir], root);
    assert.ok(discovered.ok);
    const found = lintTargets(discovered.targets);
    const execForm = found.filter((d) => d.ruleId === 'app-exec-form');
    assert.deepEqual(execForm.map((d) => [d.line, d.variant]), [[entrypointLine, undefined]]);
    // The variant did run (its own finding is there).
    assert.ok(found.some((d) => d.ruleId === 'app-non-root-user' && d.variant === 'appUser="root"'));
  });
});
