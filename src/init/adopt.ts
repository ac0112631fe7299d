import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The last step of `stagepack init`: the files a template adds to a project, which of them the project
 * already has, and the copy itself. The Dev Containers CLI overwrites silently (`templates apply` replaces
 * any file it writes), so init never lets it write into the project: it applies into an empty folder, and
 * this copies from there, refusing to replace a file unless told to, and then keeping a backup of each.
 * The copy is all or nothing: on any error, what it wrote is removed and every backup put back.
 */

/** Files of a template folder that `templates apply` never copies into the workspace. */
const NOT_APPLIED = new Set(['devcontainer-template.json', 'README.md', 'NOTES.md']);

/** Where init keeps what it replaced (with --force): one folder per run, named after its time. */
export const BACKUP_ROOT = '.stagepack-backup';

/** Every file of a folder, relative with forward slashes, sorted; anything that is not a file or folder is returned in `others`. */
export function filesUnder(dir: string): { files: string[]; others: string[] } {
  const files: string[] = [];
  const others: string[] = [];
  const walk = (current: string, rel: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(current, entry.name), relPath);
      else if (entry.isFile()) files.push(relPath);
      else others.push(relPath);
    }
  };
  walk(dir, '');
  return { files: files.sort(), others: others.sort() };
}

/** What applying the template will add, read from its folder (before anything is published). */
export function templateFiles(templateDir: string): string[] {
  return filesUnder(templateDir).files.filter((f) => !NOT_APPLIED.has(f));
}

/**
 * The planned files the project already has, in any form: a file, a folder, a link (even a dangling one).
 * A parent that is a file or a link (`.devcontainer` as a file) is a conflict too.
 */
export function conflictsIn(projectDir: string, files: readonly string[]): string[] {
  const found = new Set<string>();
  for (const file of files) {
    const parts = file.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const rel = parts.slice(0, i).join('/');
      const stat = fs.lstatSync(path.join(projectDir, rel), { throwIfNoEntry: false });
      if (!stat) break;
      if (i === parts.length || !stat.isDirectory()) {
        found.add(rel);
        break;
      }
    }
  }
  return [...found].sort();
}

export interface CopyResult {
  added: string[];
  replaced: string[];
  /** The backup folder, relative to the project, when something was replaced. */
  backupDir?: string;
}

/**
 * Copies `files` from `fromDir` into the project. Conflicts are moved into a backup folder first (only when
 * `force`; without it the caller has already stopped). Modes are kept (test.sh stays executable).
 */
export function copyIntoProject(projectDir: string, fromDir: string, files: readonly string[], force: boolean, now = new Date()): CopyResult {
  const conflicts = conflictsIn(projectDir, files);
  if (conflicts.length && !force) throw new Error(`internal: copyIntoProject called with conflicts and without force: ${conflicts.join(', ')}`);
  const backupDir = conflicts.length ? path.join(BACKUP_ROOT, now.toISOString().replace(/[:.]/g, '-')) : undefined;
  const moved: [from: string, to: string][] = [];
  const written: string[] = [];
  const madeDirs: string[] = [];
  const mkdirs = (dir: string) => {
    const missing: string[] = [];
    for (let d = dir; !fs.existsSync(d); d = path.dirname(d)) missing.unshift(d);
    for (const d of missing) {
      fs.mkdirSync(d);
      madeDirs.push(d);
    }
  };
  try {
    for (const conflict of conflicts) {
      const from = path.join(projectDir, conflict);
      const to = path.join(projectDir, backupDir ?? '', conflict);
      mkdirs(path.dirname(to));
      fs.renameSync(from, to);
      moved.push([from, to]);
    }
    for (const file of files) {
      const to = path.join(projectDir, file);
      mkdirs(path.dirname(to));
      fs.copyFileSync(path.join(fromDir, file), to, fs.constants.COPYFILE_EXCL);
      written.push(to);
      fs.chmodSync(to, fs.statSync(path.join(fromDir, file)).mode & 0o777);
    }
  } catch (error) {
    for (const file of written.reverse()) fs.rmSync(file, { force: true });
    for (const [from, to] of moved.reverse()) fs.renameSync(to, from);
    for (const dir of madeDirs.reverse()) {
      try {
        fs.rmdirSync(dir);
      } catch {
        // not empty: something of the user's is in it
      }
    }
    throw error;
  }
  const replacedSet = new Set(conflicts);
  return { added: files.filter((f) => !replacedSet.has(f)), replaced: conflicts, ...(backupDir ? { backupDir } : {}) };
}
