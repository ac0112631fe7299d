import * as fs from 'node:fs';
import * as path from 'node:path';
import { getPath, isRecord, parseJsonc, scalarText, setOwn } from '../jsonc';
import { readText } from '../pack';

/**
 * What `stagepack init` applied to a project, kept in the project as copier keeps its answers: the template,
 * its version, where it came from and the option values. `stagepack test DIR` reports them; a later `init
 * --template` of a newer version can apply it again with the same answers. Written once per init, read
 * with the care of any user file (it is committed with the project and may be edited by hand).
 */
export const APPLIED_RECORD = '.devcontainer/stagepack-applied.json';

export interface AppliedRecord {
  /** The template's id. */
  template: string;
  version: string;
  /** Where it was applied from: the pack folder, or the OCI reference. */
  source: string;
  options: Record<string, string>;
  /** The files the template added, relative to the project, sorted. */
  files: string[];
}

export function recordText(record: AppliedRecord): string {
  const comment = '// Written by `stagepack init`: what it applied here. `stagepack test .` reads it; keep it with the project.\n';
  return `${comment}${JSON.stringify(record, null, 2)}\n`;
}

export type RecordRead = { found: false } | { found: true; record: AppliedRecord } | { found: true; problem: string };

/** The project's record, if it has one; a record that cannot be used is a problem naming the file. */
export function readAppliedRecord(projectDir: string): RecordRead {
  const file = path.join(projectDir, APPLIED_RECORD);
  if (!fs.existsSync(file)) return { found: false };
  const read = readText(file, APPLIED_RECORD, APPLIED_RECORD);
  if (!('text' in read)) return { found: true, problem: `${APPLIED_RECORD}: cannot be read (${read.reason})` };
  const doc = parseJsonc(read.text);
  if (doc.errors.length || !isRecord(doc.value)) {
    const at = doc.errors[0]?.position ?? { line: 1, column: 1 };
    return { found: true, problem: `${APPLIED_RECORD}:${at.line}:${at.column}: not a JSON object (${doc.errors[0]?.code ?? 'another value'})` };
  }
  const template = scalarText(getPath(doc.value, ['template']));
  const version = scalarText(getPath(doc.value, ['version']));
  const source = scalarText(getPath(doc.value, ['source'])) ?? '';
  const optionsValue = getPath(doc.value, ['options']);
  if (!template || !version || !isRecord(optionsValue)) return { found: true, problem: `${APPLIED_RECORD}: needs "template", "version" and "options"` };
  const options: Record<string, string> = {};
  for (const [name, value] of Object.entries(optionsValue)) setOwn(options, name, scalarText(value) ?? '');
  const filesValue = getPath(doc.value, ['files']);
  const files = Array.isArray(filesValue) ? filesValue.map((f) => scalarText(f) ?? '').filter(Boolean) : [];
  return { found: true, record: { template, version, source, options, files } };
}
