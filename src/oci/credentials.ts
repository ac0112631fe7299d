import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { run } from '../proc';

/**
 * Where the credentials for a registry come from, in the order the Dev Containers CLI reads them
 * (cli src/spec-configuration/httpOCIRegistry.ts, getCredential), so stagepack reads a registry with the very
 * account the CLI then publishes with:
 * 1. `DEVCONTAINERS_OCI_AUTH=host|user|token[,host|user|token...]`;
 * 2. docker's config.json (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`): a `credHelpers` entry
 *    for the host, else the `credsStore`, else the `auths` entry (`auth`, or an `identitytoken`);
 * 3. `GITHUB_TOKEN` for ghcr.io (unless GITHUB_HOST names another GitHub).
 * Without any of them the registry is read anonymously. (The CLI also tries a platform helper, `pass` or
 * `secret`, when config.json has no auth at all; so does this, through the same runner.)
 *
 * A credential never reaches output: `describe` names its source, never its value.
 */
export interface Credential {
  /** base64 of `user:secret`, for Basic auth or to obtain a Bearer token. */
  basic?: string;
  /** An identity (refresh) token from config.json, exchanged for a Bearer token. */
  identityToken?: string;
  /** Where it came from, for messages: "DEVCONTAINERS_OCI_AUTH", "/root/.docker/config.json (auths)"... */
  source: string;
}

/** Runs `docker-credential-NAME get` with the host on stdin; stdout, or undefined when it failed or is absent. */
export type HelperRunner = (helper: string, registry: string) => Promise<string | undefined>;

export interface CredentialSources {
  env: NodeJS.ProcessEnv;
  readFile(file: string): string | undefined;
  runHelper: HelperRunner;
  /** Whether an executable is on PATH (for the platform default helper, as the CLI chooses it). */
  onPath(name: string): boolean;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; identitytoken?: string } | undefined>;
  credHelpers?: Record<string, string | undefined>;
  credsStore?: string;
}

export async function credentialFor(registry: string, sources: CredentialSources): Promise<Credential | undefined> {
  const fromEnv = sources.env.DEVCONTAINERS_OCI_AUTH;
  if (fromEnv) {
    const entry = fromEnv.split(',').find((a) => a.split('|')[0] === registry);
    if (entry) {
      const [, user = '', token = ''] = entry.split('|');
      return { basic: Buffer.from(`${user}:${token}`).toString('base64'), source: 'DEVCONTAINERS_OCI_AUTH' };
    }
  }

  const configFile = path.join(sources.env.DOCKER_CONFIG || path.join(sources.env.HOME || os.homedir(), '.docker'), 'config.json');
  const text = sources.readFile(configFile);
  let config: DockerConfig | undefined;
  if (text !== undefined) {
    const parsed: unknown = parseJsonc(text);
    config = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as DockerConfig) : {};
    const helper = config.credHelpers?.[registry] ?? config.credsStore;
    if (typeof helper === 'string' && helper) {
      const found = await fromHelper(sources, helper, registry);
      if (found) return found;
    }
    const auth = config.auths?.[registry];
    if (auth && typeof auth === 'object') {
      if (typeof auth.identitytoken === 'string' && auth.identitytoken) return { identityToken: auth.identitytoken, source: `${configFile} (auths)` };
      if (typeof auth.auth === 'string' && auth.auth) return { basic: auth.auth, source: `${configFile} (auths)` };
    }
  }
  const configHasAuth = Boolean(config && (Object.keys(config.credHelpers ?? {}).length || config.credsStore || Object.keys(config.auths ?? {}).length));
  if (!configHasAuth) {
    const found = await fromHelper(sources, sources.onPath('pass') ? 'pass' : 'secret', registry);
    if (found) return found;
  }

  const githubHost = sources.env.GITHUB_HOST;
  if (registry === 'ghcr.io' && sources.env.GITHUB_TOKEN && (!githubHost || githubHost === 'github.com')) {
    return { basic: Buffer.from(`USERNAME:${sources.env.GITHUB_TOKEN}`).toString('base64'), source: 'GITHUB_TOKEN' };
  }
  return undefined;
}

async function fromHelper(sources: CredentialSources, helper: string, registry: string): Promise<Credential | undefined> {
  const output = await sources.runHelper(helper, registry);
  if (output === undefined) return undefined;
  try {
    const answer = JSON.parse(output) as { Username?: unknown; Secret?: unknown };
    if (typeof answer.Secret !== 'string' || !answer.Secret) return undefined;
    const source = `docker-credential-${helper}`;
    // Docker's convention: the user name "<token>" marks an identity token (as `az acr login` stores one).
    if (answer.Username === '<token>') return { identityToken: answer.Secret, source };
    return { basic: Buffer.from(`${typeof answer.Username === 'string' ? answer.Username : ''}:${answer.Secret}`).toString('base64'), source };
  } catch {
    return undefined;
  }
}

/** Every secret a credential holds, decoded as well as encoded, so output can be searched and scrubbed for them. */
export function secretsOf(credential: Credential | undefined): string[] {
  if (!credential) return [];
  const found: string[] = [];
  if (credential.identityToken) found.push(credential.identityToken);
  if (credential.basic) {
    found.push(credential.basic);
    const decoded = Buffer.from(credential.basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0 && decoded.length > colon + 1) found.push(decoded.slice(colon + 1));
  }
  return found.filter((s) => s.length >= 4);
}

/** The real credential sources: the environment, docker's config.json, docker-credential-* helpers. */
export function registryCredential(registry: string, env: NodeJS.ProcessEnv = process.env): Promise<Credential | undefined> {
  return credentialFor(registry, {
    env,
    readFile: (file) => {
      try {
        return fs.readFileSync(file, 'utf8');
      } catch {
        return undefined;
      }
    },
    runHelper: async (helper, host) => {
      const result = await run(`docker-credential-${helper}`, ['get'], { input: host, timeoutMs: 30_000 });
      return result.code === 0 && !result.spawnError ? result.stdout : undefined;
    },
    onPath: (name) => (env.PATH ?? '').split(':').some((dir) => dir && fs.existsSync(path.join(dir, name))),
  });
}

/** Text with every secret of the credential replaced, for anything a registry or the CLI might echo back. */
export function scrubSecrets(text: string, credential: Credential | undefined): string {
  return secretsOf(credential).reduce((t, secret) => t.split(secret).join('***'), text);
}
