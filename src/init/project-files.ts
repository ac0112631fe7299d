import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The project's files as detect.ts reads them: text files by relative path (forward slashes), without what
 * is never the project's own code (version control, virtual environments, caches, build output). Bounded:
 * at most MAX_FILES files and MAX_BYTES bytes per file are read (a larger file is known by name, with empty
 * text), symbolic links are never followed, and special files are skipped.
 */
export const SKIPPED_FOLDERS = new Set(['.git', '.hg', '.svn', '.venv', 'venv', 'env', 'node_modules', '__pycache__', '.tox', '.nox', '.mypy_cache', '.pytest_cache', '.ruff_cache', 'dist', 'build', '.stagepack-backup', 'site-packages']);
const READ = /\.(py|toml|txt|cfg|ini|in|lock)$|^(Pipfile|Procfile|\.python-version|runtime\.txt)$/;
const MAX_FILES = 5000;
const MAX_BYTES = 1024 * 1024;

export function readProjectFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string, rel: string, depth: number) => {
    if (depth > 12 || files.size >= MAX_FILES) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (files.size >= MAX_FILES) return;
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name) && !entry.name.endsWith('.egg-info')) walk(path.join(dir, entry.name), relPath, depth + 1);
      } else if (entry.isFile() && READ.test(entry.name)) {
        files.set(relPath, readBounded(path.join(dir, entry.name)));
      }
    }
  };
  walk(root, '', 0);
  return files;
}

function readBounded(file: string): string {
  try {
    const stat = fs.statSync(file);
    if (stat.size > MAX_BYTES) return '';
    const text = fs.readFileSync(file, 'utf8');
    return text.includes('\0') ? '' : text;
  } catch {
    return '';
  }
}
