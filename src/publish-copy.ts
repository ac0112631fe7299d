import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Copies a template or feature folder into a staging folder for publishing, regular files only. Anything
 * else (a symbolic link above all) aborts the copy before anything is published: the artifact must never
 * carry a link or a file from outside the folder. Lint's no-symlinks rule says the same earlier.
 */
export function copyForPublishing(source: string, destination: string): void {
  fs.mkdirSync(destination, { recursive: true });
  for (const entry of fs.readdirSync(source, { withFileTypes: true })) {
    const from = path.join(source, entry.name);
    const to = path.join(destination, entry.name);
    if (entry.isDirectory()) copyForPublishing(from, to);
    else if (entry.isFile()) fs.copyFileSync(from, to, fs.constants.COPYFILE_EXCL);
    else throw new Error(`${from} is not a regular file or folder (symbolic link or special file); refusing to publish it`);
    if (entry.isFile()) fs.chmodSync(to, fs.statSync(from).mode & 0o777);
  }
}
