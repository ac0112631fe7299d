import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT, processIo, type ExitCode, type Io } from './io';
import { FORMATS, type Format } from './render';
import { LIST_FORMATS, parseShard, type ListFormat, type Shard } from './testing/matrix';
import { checkPathProblem, parseAssignment } from './testing/run-inputs';
import { VERSION } from './version';

/**
 * Wires commander to typed inputs and nothing else: each action hands a plain object to a command function,
 * which returns an exit code (0 fine, 1 problems found or test failed, 2 usage or environment error).
 * Only bin/stagepack.js exits the process.
 */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<ExitCode> {
  let exitCode: ExitCode = EXIT.ok;
  const program = new Command('stagepack')
    .description('Lint, test and publish devcontainer templates whose dev container and production image share one base stage.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run stagepack --help for usage)');

  program
    .command('lint')
    .description('Check templates and features before anything is built.')
    .argument('[path...]', 'pack root (holding templates/ and features/), template folder or feature folder', [])
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text'))
    .option('--list-rules', 'list the rules with their default severity and exit')
    .addOption(new Option('--max-warnings <n>', 'exit 1 when there are more than n warnings').argParser(count))
    .action(async (paths: string[], options: { format: Format; listRules?: boolean; maxWarnings?: number }) => {
      // Commands are loaded when run: `lint` on every save should not pay for the engine and test code.
      const { lintCommand } = require('./commands/lint') as typeof import('./commands/lint');
      exitCode = await lintCommand({ paths, format: options.format, listRules: Boolean(options.listRules), maxWarnings: options.maxWarnings }, io);
    });

  program
    .command('test')
    .description('Test templates for real: dev container up and exec, app image build, run, health, HTTP, stop.')
    .argument('[template...]', 'template id (in this pack), path to a template folder, or a project folder with an applied template (tested as it is); none means the whole pack', [])
    .option('--junit <file>', 'write a JUnit XML report')
    .option('--keep', 'keep containers, images and workspaces for debugging (prints how to remove them)')
    .option('--app <folder>', 'sample application to test with, instead of the fixture matching the template')
    .option('--defaults-only', 'test each template with its default options only, not once per other proposal of each option')
    .addOption(new Option('--health-timeout <seconds>', 'how long the app may take to become healthy (default: the template\'s bound in stagepack.json, else 30)').argParser(positiveNumber))
    .addOption(new Option('-j, --jobs <n>', 'runs at the same time (default: 2, or 1 on a single core)').argParser(jobCount))
    .option('--only <label>', 'run only this entry of the run matrix, as --list names it (repeatable)', collect, [])
    .option('--changed [ref]', 'run only the templates and features whose files changed since the merge base with ref (default: the main branch), and the runs of a changed feature with its template')
    .addOption(new Option('--shard <k/n>', 'run only the k-th of n slices of the run matrix (for CI jobs; the n slices partition it)').argParser(shardArg))
    .option('--list', 'print the run matrix (after --only, --changed and --shard) instead of running it')
    .addOption(new Option('-f, --format <format>', 'output format of --list').choices(LIST_FORMATS).default('text'))
    .addOption(new Option('--option <name=value>', 'set a template option for every run (repeatable); that option is then not varied').argParser(assignment('option')).default([]))
    .addOption(new Option('--env <NAME[=VALUE]>', 'set an environment variable of the app at run time, in the app containers and the dev container (repeatable); NAME alone takes it from this environment').argParser(assignment('env')).default([]))
    .option('--env-file <file>', 'read such variables from a file, one NAME=VALUE per line (docker run --env-file format); --env wins')
    .addOption(new Option('--check-path <path>', 'a path the HTTP checks (app-http, app-load, app-read-only) request besides the template\'s (repeatable), such as /api/items').argParser(checkPathArg).default([]))
    .action(async (templates: string[], options: TestOptions) => {
      const { testCommand } = require('./commands/test') as typeof import('./commands/test');
      exitCode = await testCommand(
        {
          templates,
          junit: options.junit,
          keep: Boolean(options.keep),
          app: options.app,
          defaultsOnly: Boolean(options.defaultsOnly),
          healthTimeoutSeconds: options.healthTimeout,
          jobs: options.jobs,
          only: options.only,
          changed: options.changed,
          shard: options.shard,
          list: Boolean(options.list),
          format: options.format,
          options: options.option,
          env: options.env,
          envFile: options.envFile,
          checkPaths: options.checkPath,
        },
        io,
      );
    });

  program
    .command('init')
    .description('Adopt a Python project as it is: pick the template and its options, apply it, record what was applied.')
    .argument('[dir]', 'the project folder', '.')
    .option('-t, --template <id|reference>', 'the template to apply instead of the one detected: an id of the pack, or an OCI reference such as ghcr.io/org/templates/flask-gunicorn:1')
    .addOption(new Option('--option <name=value>', 'set a template option, over the detected value (repeatable)').argParser(assignment('option')).default([]))
    .option('--dry-run', 'print the plan and the files it would add; write nothing')
    .option('--force', 'replace files the project already has, after moving each into .stagepack-backup/<time>/')
    .action(async (dir: string, options: { template?: string; option: [string, string | undefined][]; dryRun?: boolean; force?: boolean }) => {
      const { initCommand } = require('./commands/init') as typeof import('./commands/init');
      exitCode = await initCommand({ dir, template: options.template, options: options.option, dryRun: Boolean(options.dryRun), force: Boolean(options.force) }, io);
    });

  program
    .command('publish')
    .description('Publish the pack\'s templates and features to an OCI registry with the Dev Containers CLI.')
    .addOption(new Option('-r, --registry <host>', 'registry host[:port]; default: a local registry on localhost that stagepack starts').argParser(registryHost))
    .option('-n, --namespace <ns>', 'namespace for templates (features go to <ns>-features)', 'stagepack/templates')
    .option('--features-namespace <ns>', 'namespace for features (must differ from the templates namespace)')
    .option('--dry-run', 'compare with the registry and print what would happen to each item (new, unchanged, refused); publish nothing')
    .argument('[path]', 'pack root', '.')
    .action(async (packPath: string, options: { registry?: string; namespace: string; featuresNamespace?: string; dryRun?: boolean }) => {
      const { publishCommand } = require('./commands/publish') as typeof import('./commands/publish');
      exitCode = await publishCommand(
        { packPath, registry: options.registry, namespace: options.namespace, featuresNamespace: options.featuresNamespace, dryRun: Boolean(options.dryRun) },
        io,
      );
    });

  program
    .command('catalog')
    .description('List what a registry namespace holds: templates and features, every version, description and options.')
    .argument('<reference...>', 'REGISTRY/NAMESPACE, such as localhost:5000/stagepack/templates (its paired features namespace is read too)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--html <dir>', 'also write a static catalogue site (index.html) into this folder')
    .action(async (references: string[], options: { format: 'text' | 'json'; html?: string }) => {
      const { catalogCommand } = require('./commands/catalog') as typeof import('./commands/catalog');
      exitCode = await catalogCommand({ references, format: options.format, html: options.html }, io);
    });

  program
    .command('docs')
    .description('Write each template\'s and feature\'s README options table from its metadata (hand-written sections stay).')
    .argument('[path...]', 'pack root, template folder or feature folder', [])
    .option('--check', 'write nothing; exit 1 when a README does not match its metadata (for CI)')
    .action(async (paths: string[], options: { check?: boolean }) => {
      const { docsCommand } = require('./commands/docs') as typeof import('./commands/docs');
      exitCode = await docsCommand({ paths, check: Boolean(options.check) }, io);
    });

  try {
    await program.parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; a usage mistake with commander's message already printed.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    throw error;
  }
  return exitCode;
}

interface TestOptions {
  junit?: string;
  keep?: boolean;
  app?: string;
  defaultsOnly?: boolean;
  healthTimeout?: number;
  jobs?: number;
  only: string[];
  changed?: string | true;
  shard?: Shard;
  list?: boolean;
  format: ListFormat;
  option: [string, string | undefined][];
  env: [string, string | undefined][];
  envFile?: string;
  checkPath: string[];
}

/** `--option name=value` and `--env NAME[=VALUE]`, parsed as they come and collected in order. */
function assignment(what: 'option' | 'env') {
  return (value: string, previous: [string, string | undefined][]): [string, string | undefined][] => {
    const parsed = parseAssignment(value, what);
    if (!parsed.ok) throw new InvalidArgumentError(`${parsed.problem} (${parsed.fix})`);
    return [...previous, parsed.value];
  };
}

function checkPathArg(value: string, previous: string[]): string[] {
  const problem = checkPathProblem(value);
  if (problem) throw new InvalidArgumentError(`${problem}; give an absolute path such as /api/items?limit=1`);
  return [...previous, value];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function jobCount(value: string): number {
  if (!/^\d{1,3}$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number of runs, 1 or more');
  return Number(value);
}

function shardArg(value: string): Shard {
  const shard = parseShard(value);
  if (!shard) throw new InvalidArgumentError('expected K/N with 1 <= K <= N, such as 1/3');
  return shard;
}

function count(value: string): number {
  // Number("") and Number(" ") are 0: only digits are a count.
  if (!/^\d{1,9}$/.test(value)) throw new InvalidArgumentError('expected a whole number, 0 or more');
  return Number(value);
}

/** A registry as `host[:port]` (a name, an IPv4 address or a bracketed IPv6 one), the port 1-65535. */
function registryHost(value: string): string {
  const match = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(?::(\d{1,5}))?$/.exec(value);
  if (!match) throw new InvalidArgumentError('expected host[:port], such as localhost:5000 or registry.example.com');
  if (match[2] !== undefined && (Number(match[2]) < 1 || Number(match[2]) > 65535)) throw new InvalidArgumentError(`the port ${match[2]} is not between 1 and 65535`);
  return value;
}

function positiveNumber(value: string): number {
  const n = value.trim() === '' ? NaN : Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number of seconds');
  return n;
}
