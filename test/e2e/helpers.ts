import * as http from 'node:http';
import { ensureBaseImages } from '../../src/engine/base-images';
import { ensureDocker } from '../../src/engine/docker';
import type { Engine } from '../../src/engine/engine';
import { engineLog } from '../../src/engine/log';
import { bufferIo } from '../../src/io';
import { PACKAGE_ROOT } from '../../src/version';

/**
 * End-to-end tests use the real parts: the Docker engine (started by the engine module if none answers),
 * BuildKit, a real distribution registry and the real Dev Containers CLI. These helpers make the engine
 * and the base images ready once, so each test's own work (and the inventory it compares) is its own.
 */
let ready: Promise<Engine> | undefined;

export function engineForTests(): Promise<Engine> {
  ready ??= (async () => {
    const log = engineLog((text) => process.stderr.write(`      ${text}`));
    const engine = await ensureDocker(log);
    // The database image of the compose template too: a stand-in built mid-run would look like a leftover.
    await ensureBaseImages(engine, log, ['python:3.11-slim-bookworm', 'python:3.11-bookworm', 'postgres:15-bookworm']);
    return engine;
  })();
  return ready;
}

export interface Inventory {
  containers: string[];
  images: string[];
  networks: string[];
  volumes: string[];
}

/** Every container, image, network and volume on the engine, to prove a command left nothing behind. */
export async function inventory(engine: Engine): Promise<Inventory> {
  const list = async (args: string[]) => {
    const result = await engine.docker(args);
    return [...new Set(result.stdout.split('\n').map((l) => l.trim()).filter(Boolean))].sort();
  };
  return {
    containers: await list(['ps', '--all', '--quiet', '--no-trunc']),
    images: await list(['images', '--all', '--quiet', '--no-trunc']),
    networks: await list(['network', 'ls', '--quiet', '--no-trunc']),
    volumes: await list(['volume', 'ls', '--quiet']),
  };
}

/** Buffers the command's output for assertions and echoes its progress (stderr) into the test log. */
export function echoingIo(cwd = PACKAGE_ROOT) {
  const io = bufferIo(cwd, process.env);
  const capture = io.stderr;
  return {
    ...io,
    stderr: (text: string) => {
      capture(text);
      process.stderr.write(text.replace(/^(?=.)/gm, '      '));
    },
  };
}

/** Minutes, for mocha timeouts of tests that build images. */
export const minutes = (n: number) => n * 60_000;

/** GET a JSON document (a tag list, a manifest, a blob) from a plain-HTTP registry on loopback; a non-200 rejects. */
export function registryJson<T = unknown>(port: number, urlPath: string, accept = 'application/vnd.oci.image.manifest.v1+json, application/json'): Promise<T> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: urlPath, headers: { accept } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (c: Buffer) => chunks.push(c));
      response.on('end', () => (response.statusCode === 200 ? resolve(JSON.parse(Buffer.concat(chunks).toString()) as T) : reject(new Error(`${urlPath}: ${response.statusCode} ${Buffer.concat(chunks).toString()}`))));
    }).on('error', reject);
  });
}
