import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PACKAGE_ROOT } from '../../src/version';

/**
 * The compose templates with PostgreSQL ship their base template's Dockerfile and scripts byte for byte (a
 * template is a self-contained artifact, so they are copies, and their NOTES.md say "unchanged"). The base
 * template's matrix tests the options those files read; a copy that drifted would go untested, so it fails here.
 */
const COPIES: Record<string, { from: string; files: string[] }> = {
  'django-postgres': {
    from: 'django',
    files: ['Dockerfile', '.dockerignore', '.devcontainer/app-test.sh', 'deploy/start.sh', 'deploy/gunicorn.conf.py', 'deploy/uwsgi.ini', 'deploy/requirements-gunicorn.txt', 'deploy/requirements-uwsgi.txt'],
  },
  'fastapi-postgres': { from: 'fastapi-gunicorn', files: ['Dockerfile', '.dockerignore', '.devcontainer/app-test.sh'] },
};

describe('templates that copy their base template\'s files', () => {
  for (const [id, { from, files }] of Object.entries(COPIES)) {
    it(`${id} ships ${from}'s ${files.join(', ')} unchanged`, () => {
      for (const file of files) {
        const copy = fs.readFileSync(path.join(PACKAGE_ROOT, 'templates', id, file));
        const original = fs.readFileSync(path.join(PACKAGE_ROOT, 'templates', from, file));
        assert.ok(copy.equals(original), `templates/${id}/${file} differs from templates/${from}/${file}: change both, or say in ${id}'s NOTES.md why they differ`);
      }
    });
  }
});
