import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Steps of a template test: each has an id, a status with its evidence, a duration and, when it ran a
 * program, the log to read. Printing and reporting (summary table, JUnit) work from these records only.
 */

export type StepStatus = 'pass' | 'fail' | 'skip';

export interface StepRecord {
  id: string;
  title: string;
  status: StepStatus;
  durationMs: number;
  /** What was found: the evidence of a pass, the reason of a skip, the problem and fix of a failure. */
  detail: string;
  logFile?: string;
  /** A skip that stopped every later step (they are recorded as skipped, naming its reason). */
  blocking?: boolean;
}

export interface TemplateRun {
  template: string;
  /** The option varied from its default in this run, as `name=value`; undefined for the defaults. */
  variant?: string;
  /** Options applied, as given to `devcontainer templates apply -a`. */
  options: Record<string, string>;
  steps: StepRecord[];
}

/** How a run is named in output and reports: `flask-gunicorn` or `flask-gunicorn[port=8080]`. */
export function runLabel(run: { template: string; variant?: string }): string {
  return run.variant ? `${run.template}[${run.variant}]` : run.template;
}

/** A run passed when nothing failed and it was not cut short by a skip that stopped what follows. */
export function runOutcome(run: TemplateRun): 'pass' | 'fail' | 'skip' {
  if (run.steps.some((s) => s.status === 'fail')) return 'fail';
  return run.steps.some((s) => s.status === 'skip' && s.blocking) ? 'skip' : 'pass';
}

/** Thrown inside a step to fail it with a message (and optionally a log); anything else thrown is a bug. */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly logFile?: string,
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

/**
 * Thrown inside a step to skip it, with the reason. A blocking skip (something the rest needs cannot exist
 * here, e.g. a base image) skips every later step too, naming the reason; the run then counts as skipped.
 */
export class StepSkip extends Error {
  constructor(
    message: string,
    readonly blocking = false,
  ) {
    super(message);
    this.name = 'StepSkip';
  }
}

export interface StepOutcome {
  detail: string;
  logFile?: string;
}

export interface RecorderOptions {
  /** Where an unexpected error's stack is written (the message alone goes into the step's detail). */
  logDir?: string;
  /**
   * Test-only fault injection (STAGEPACK_TEST_FAULT=<step id>[,<step id>...]): once a listed step's body has
   * done its work, a plain Error is thrown, as a bug or an engine fault would, to prove that the run still
   * records a failed step and removes what it created. A run stops at the first listed step it reaches.
   */
  injectFaultAfter?: string;
}

export class StepRecorder {
  readonly steps: StepRecord[] = [];
  private failed = false;
  private blockedBy: string | undefined;

  constructor(
    private readonly label: string,
    private readonly write: (text: string) => void,
    private readonly options: RecorderOptions = {},
  ) {}

  get hasFailed(): boolean {
    return this.failed;
  }

  /**
   * Runs a step unless an earlier one failed (then it is recorded as skipped, naming the failure). Always
   * returns, whatever the body throws: a StepFailure or StepSkip as itself, anything else as a failed step
   * carrying its message (never a stack trace on screen). The caller checks `hasFailed`.
   */
  async step(id: string, title: string, body: () => Promise<StepOutcome | string>, options: { always?: boolean } = {}): Promise<void> {
    if (this.failed && !options.always) {
      this.steps.push({ id, title, status: 'skip', durationMs: 0, detail: 'not run: an earlier step failed' });
      return;
    }
    if (this.blockedBy !== undefined && !options.always) {
      this.steps.push({ id, title, status: 'skip', durationMs: 0, detail: `not run: ${this.blockedBy}` });
      return;
    }
    const started = Date.now();
    this.write(`  ${this.label}  ${title} ...\n`);
    let record: StepRecord;
    const inject = (this.options.injectFaultAfter ?? '').split(',').includes(id);
    const injected = () => new Error(`fault injected after step ${id} (STAGEPACK_TEST_FAULT)`);
    try {
      const outcome = await body().catch((error: unknown) => {
        // A step that skipped has done its work too.
        throw inject && error instanceof StepSkip ? injected() : error;
      });
      if (inject) throw injected();
      const { detail, logFile } = typeof outcome === 'string' ? { detail: outcome, logFile: undefined } : outcome;
      record = { id, title, status: 'pass', durationMs: Date.now() - started, detail, logFile };
    } catch (error) {
      if (error instanceof StepSkip) {
        record = { id, title, status: 'skip', durationMs: Date.now() - started, detail: error.message, blocking: error.blocking || undefined };
        if (error.blocking) this.blockedBy = error.message.split('\n')[0];
      } else if (error instanceof StepFailure) {
        record = { id, title, status: 'fail', durationMs: Date.now() - started, detail: error.message, logFile: error.logFile };
        this.failed = true;
      } else {
        record = { id, title, status: 'fail', durationMs: Date.now() - started, ...this.unexpected(id, error) };
        this.failed = true;
      }
    }
    this.steps.push(record);
    const mark = { pass: 'ok  ', fail: 'FAIL', skip: 'skip' }[record.status];
    this.write(`  ${this.label}  ${mark} ${title} (${seconds(record.durationMs)})${record.detail ? `: ${firstLine(record.detail)}` : ''}\n`);
    if (record.status === 'fail') {
      this.write(indent(record.detail.split('\n').slice(1).join('\n')));
      if (record.logFile) this.write(`        log: ${record.logFile}\n`);
    }
  }

  /** An error no step expected: its message for the report, its stack in a log for whoever fixes it. */
  private unexpected(id: string, error: unknown): { detail: string; logFile?: string } {
    const message = error instanceof Error ? error.message : String(error);
    let logFile: string | undefined;
    if (this.options.logDir) {
      try {
        fs.mkdirSync(this.options.logDir, { recursive: true });
        logFile = path.join(this.options.logDir, `${id}.error.log`);
        fs.writeFileSync(logFile, `${error instanceof Error ? (error.stack ?? message) : message}\n`);
      } catch {
        logFile = undefined;
      }
    }
    return {
      detail: `unexpected error: ${message}\nfix: this is a fault of stagepack or the engine, not of the template; what the run created is still removed. Report it with the log`,
      logFile,
    };
  }
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function firstLine(text: string): string {
  return text.split('\n')[0];
}

function indent(text: string): string {
  return text.trim() ? `${text.split('\n').map((l) => `        ${l}`).join('\n')}\n` : '';
}

/** The summary table printed at the end of `stagepack test`. */
export function summaryTable(runs: readonly TemplateRun[]): string {
  const rows = runs.flatMap((run) => run.steps.map((s) => [runLabel(run), s.id, s.title, s.status.toUpperCase(), seconds(s.durationMs)]));
  const header = ['template', 'check', 'step', 'result', 'time'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

/**
 * Text made safe for an XML 1.0 document, in element content and in attributes. Characters XML cannot carry
 * at all (control characters such as the ESC of a colour code, lone surrogates, U+FFFE/U+FFFF) are written as
 * visible `\u001b` escapes, so the message keeps its information and the report stays valid; newlines and
 * tabs in attributes become character references, which attribute normalisation would otherwise flatten.
 */
export function xmlText(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;')
    .replace(/\t/g, '&#9;');
}

/** JUnit XML: one testsuite per template run, one testcase per step; skips and failures with their text. */
export function junitXml(runs: readonly TemplateRun[]): string {
  const esc = xmlText;
  const suites = runs.map((run) => {
    const failures = run.steps.filter((s) => s.status === 'fail').length;
    const skipped = run.steps.filter((s) => s.status === 'skip').length;
    const time = run.steps.reduce((t, s) => t + s.durationMs, 0) / 1000;
    const cases = run.steps.map((s) => {
      const open = `    <testcase classname="stagepack.${esc(run.template)}.${esc(s.id)}" name="${esc(s.title)}" time="${(s.durationMs / 1000).toFixed(3)}"`;
      if (s.status === 'pass') return `${open}>\n      <system-out>${esc(s.detail)}</system-out>\n    </testcase>`;
      if (s.status === 'skip') return `${open}>\n      <skipped message="${esc(s.detail)}"/>\n    </testcase>`;
      const body = `${s.detail}${s.logFile ? `\nlog: ${s.logFile}` : ''}`;
      return `${open}>\n      <failure message="${esc(s.detail.split('\n')[0])}">${esc(body)}</failure>\n    </testcase>`;
    });
    return `  <testsuite name="${esc(runLabel(run))}" tests="${run.steps.length}" failures="${failures}" skipped="${skipped}" time="${time.toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="stagepack test">\n${suites.join('\n')}\n</testsuites>\n`;
}
