import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { Credential } from './credentials';

/**
 * A read-mostly client of the OCI distribution API, for what the Dev Containers CLI does not tell us: what a
 * registry already holds (manifests, layers, tags), so `publish` can compare before the CLI pushes.
 *
 * It speaks to a registry as the CLI does, so both see the same thing: plain HTTP only when the host is
 * `localhost` (cli src/spec-utils/httpRequest.ts), TLS otherwise with Node's trust store (a private CA is
 * trusted through NODE_EXTRA_CA_CERTS, which the CLI's process inherits too); on a 401, Basic credentials or a
 * Bearer token from the challenge's realm. Redirects (blob storage behind a CDN) are followed to their end and
 * only a 2xx there is an answer; credentials are never sent to another host than the registry. Error
 * messages name the registry and the status, never a credential.
 */
export type RegistryErrorKind = 'unreachable' | 'tls' | 'auth' | 'protocol';

export class RegistryError extends Error {
  constructor(readonly kind: RegistryErrorKind, message: string, readonly fix: string) {
    super(message);
  }
}

export interface Manifest {
  schemaVersion?: number;
  mediaType?: string;
  config?: { mediaType?: string; digest?: string; size?: number };
  layers?: { mediaType?: string; digest?: string; size?: number; annotations?: Record<string, string> }[];
  annotations?: Record<string, string>;
}

export interface FetchedManifest {
  manifest: Manifest;
  /** The digest of the manifest's bytes (`sha256:...`). */
  digest: string;
  bytes: Buffer;
  mediaType: string;
}

interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface ClientOptions {
  credential?: Credential;
  /** Per request; 30 s unless given. */
  timeoutMs?: number;
}

const MANIFEST_TYPES = ['application/vnd.oci.image.manifest.v1+json', 'application/vnd.docker.distribution.manifest.v2+json'].join(', ');
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** A template or feature archive is a few hundred KB; anything near this is not one of ours. */
const MAX_BLOB_BYTES = 256 * 1024 * 1024;
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED', 'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

export class OciClient {
  private readonly base: URL;
  private readonly tokens = new Map<string, string>();
  private basicAccepted = false;

  constructor(readonly registry: string, private readonly options: ClientOptions = {}) {
    const host = registry.replace(/\/+$/, '');
    const hostname = host.replace(/:\d+$/, '');
    this.base = new URL(`${hostname === 'localhost' ? 'http' : 'https'}://${host}`);
  }

  /** The manifest a tag or digest names, or undefined when the registry has none (404). */
  async manifest(repository: string, reference: string): Promise<FetchedManifest | undefined> {
    const response = await this.get(`/v2/${repository}/manifests/${reference}`, repository, MANIFEST_TYPES, MAX_MANIFEST_BYTES);
    if (response.status === 404) return undefined;
    this.expectOk(response, `the manifest ${repository}:${reference}`);
    let manifest: Manifest;
    try {
      manifest = JSON.parse(response.body.toString('utf8')) as Manifest;
    } catch {
      throw new RegistryError('protocol', `${this.registry} answered the manifest ${repository}:${reference} with something that is not JSON`, 'check that the registry is an OCI registry and the reference is a template or feature');
    }
    const digest = `sha256:${createHash('sha256').update(response.body).digest('hex')}`;
    const contentType = String(response.headers['content-type'] ?? manifest.mediaType ?? '');
    return { manifest, digest, bytes: response.body, mediaType: contentType };
  }

  /** A blob's bytes, checked against its digest (a registry or proxy that hands back other bytes is an error). */
  async blob(repository: string, digest: string): Promise<Buffer> {
    const response = await this.get(`/v2/${repository}/blobs/${digest}`, repository, '*/*', MAX_BLOB_BYTES);
    this.expectOk(response, `the blob ${digest} of ${repository}`);
    const [algorithm, expected] = digest.split(':');
    if (algorithm !== 'sha256') throw new RegistryError('protocol', `the blob ${digest} of ${repository} uses a digest algorithm stagepack cannot check`, 'publish with the Dev Containers CLI, which writes sha256 digests');
    const actual = createHash('sha256').update(response.body).digest('hex');
    if (actual !== expected) throw new RegistryError('protocol', `${this.registry} returned bytes for ${digest} of ${repository} whose digest is sha256:${actual}`, 'the registry or a proxy in front of it altered the blob; check it before publishing to it');
    return response.body;
  }

  /** Every tag of a repository (following `Link` pagination), or [] when the repository does not exist. */
  async tags(repository: string): Promise<string[]> {
    const tags: string[] = [];
    let next: string | undefined = `/v2/${repository}/tags/list?n=1000`;
    for (let page = 0; next && page < 100; page++) {
      const response = await this.get(next, repository, 'application/json', MAX_MANIFEST_BYTES);
      if (response.status === 404) return tags;
      this.expectOk(response, `the tags of ${repository}`);
      let parsed: { tags?: unknown };
      try {
        parsed = JSON.parse(response.body.toString('utf8')) as { tags?: unknown };
      } catch {
        throw new RegistryError('protocol', `${this.registry} answered the tags of ${repository} with something that is not JSON`, 'check that the registry is an OCI registry (GET /v2/ answers with Docker-Distribution-API-Version)');
      }
      if (Array.isArray(parsed.tags)) tags.push(...parsed.tags.filter((t): t is string => typeof t === 'string'));
      const link = /<([^>]+)>;\s*rel="next"/.exec(String(response.headers.link ?? ''))?.[1];
      next = link && link.startsWith('/') ? link : undefined;
    }
    return tags;
  }

  private expectOk(response: Response, what: string): void {
    if (response.status >= 200 && response.status < 300) return;
    if (response.status === 401 || response.status === 403) throw this.authError(response.status, what);
    throw new RegistryError('protocol', `${this.registry} answered ${response.status} for ${what}`, 'check the registry\'s own log; rerun when it answers');
  }

  private authError(status: number, what: string): RegistryError {
    const credential = this.options.credential;
    return new RegistryError(
      'auth',
      `${this.registry} refused ${what} (${status}) ${credential ? `with the credentials from ${credential.source}` : 'without credentials (none found for this host)'}`,
      credential
        ? `check the user and token in ${credential.source} (docker login ${this.registry} rewrites config.json)`
        : `log in (docker login ${this.registry}), or set DEVCONTAINERS_OCI_AUTH=${this.registry}|USER|TOKEN`,
    );
  }

  private get(pathAndQuery: string, repository: string, accept: string, limit: number): Promise<Response> {
    return this.request('GET', pathAndQuery, repository, { accept }, limit);
  }

  /**
   * Points a tag at a manifest the repository already holds (its exact bytes): how `publish` completes a
   * publication the CLI left without its moving tags (`1`, `1.2`, `latest`) when it was stopped half-way.
   */
  async putManifest(repository: string, tag: string, manifest: FetchedManifest): Promise<void> {
    const response = await this.request('PUT', `/v2/${repository}/manifests/${tag}`, repository, { 'content-type': manifest.mediaType || 'application/vnd.oci.image.manifest.v1+json' }, MAX_MANIFEST_BYTES, manifest.bytes);
    this.expectOk(response, `tagging ${repository}:${tag}`);
  }

  private async request(method: 'GET' | 'PUT', pathAndQuery: string, repository: string, headers: http.OutgoingHttpHeaders, limit: number, body?: Buffer): Promise<Response> {
    const url = new URL(pathAndQuery, this.base);
    const push = method !== 'GET';
    const cached = this.authorization(repository, push);
    const send = (extra: http.OutgoingHttpHeaders) => (push ? this.send(url, method, { ...headers, ...extra }, body, limit, false) : this.follow(url, { ...headers, ...extra }, limit));
    const response = await send(cached ? { authorization: cached } : {});
    if (response.status !== 401) return response;
    const authorization = await this.answerChallenge(String(response.headers['www-authenticate'] ?? ''), repository, push);
    return authorization ? send({ authorization }) : response;
  }

  private authorization(repository: string, push: boolean): string | undefined {
    const token = this.tokens.get(`repository:${repository}:${push ? 'pull,push' : 'pull'}`) ?? (push ? undefined : this.tokens.get(`repository:${repository}:pull,push`));
    if (token) return `Bearer ${token}`;
    if (this.basicAccepted && this.options.credential?.basic) return `Basic ${this.options.credential.basic}`;
    return undefined;
  }

  private async answerChallenge(challenge: string, repository: string, push: boolean): Promise<string | undefined> {
    const scheme = challenge.split(' ')[0]?.toLowerCase();
    const credential = this.options.credential;
    if (scheme === 'basic') {
      if (!credential?.basic) return undefined;
      this.basicAccepted = true;
      return `Basic ${credential.basic}`;
    }
    if (scheme !== 'bearer') return undefined;
    const realm = /realm="([^"]+)"/.exec(challenge)?.[1];
    const service = /service="([^"]+)"/.exec(challenge)?.[1] ?? '';
    const scope = /scope="([^"]+)"/.exec(challenge)?.[1] ?? `repository:${repository}:${push ? 'pull,push' : 'pull'}`;
    if (!realm) throw new RegistryError('protocol', `${this.registry} asked for a Bearer token without saying where to get one`, 'check the registry\'s auth configuration');
    const tokenUrl = new URL(realm);
    let response: Response;
    if (credential?.identityToken) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credential.identityToken, service, scope, client_id: 'stagepack' });
      response = await this.send(tokenUrl, 'POST', { 'content-type': 'application/x-www-form-urlencoded' }, Buffer.from(form.toString()), MAX_MANIFEST_BYTES, true);
    } else {
      tokenUrl.searchParams.set('service', service);
      tokenUrl.searchParams.set('scope', scope);
      const headers: http.OutgoingHttpHeaders = credential?.basic ? { authorization: `Basic ${credential.basic}` } : {};
      response = await this.send(tokenUrl, 'GET', headers, undefined, MAX_MANIFEST_BYTES, true);
    }
    if (response.status === 401 || response.status === 403) throw this.authError(response.status, `a token for ${scope}`);
    if (response.status < 200 || response.status >= 300) throw new RegistryError('protocol', `the token service of ${this.registry} answered ${response.status}`, 'check the registry\'s auth configuration');
    let token: string | undefined;
    try {
      const parsed = JSON.parse(response.body.toString('utf8')) as { token?: unknown; access_token?: unknown };
      token = typeof parsed.token === 'string' ? parsed.token : typeof parsed.access_token === 'string' ? parsed.access_token : undefined;
    } catch {
      token = undefined;
    }
    if (!token) throw new RegistryError('protocol', `the token service of ${this.registry} gave no token`, 'check the registry\'s auth configuration');
    this.tokens.set(scope, token);
    return `Bearer ${token}`;
  }

  /** GET, following redirects (at most 5); the registry's credentials go to the registry's own host only. */
  private async follow(url: URL, headers: http.OutgoingHttpHeaders, limit: number): Promise<Response> {
    let current = url;
    let currentHeaders = headers;
    for (let hop = 0; hop <= 5; hop++) {
      const response = await this.send(current, 'GET', currentHeaders, undefined, limit, current.host !== this.base.host);
      if (![301, 302, 303, 307, 308].includes(response.status)) return response;
      const location = response.headers.location;
      if (!location) return response;
      const next = new URL(location, current);
      if (next.host !== this.base.host) {
        const { authorization: _dropped, ...rest } = currentHeaders;
        currentHeaders = rest;
      }
      current = next;
    }
    throw new RegistryError('protocol', `${this.registry} redirected ${url.pathname} more than 5 times`, 'check the registry\'s storage redirect configuration');
  }

  private send(url: URL, method: string, headers: http.OutgoingHttpHeaders, body: Buffer | undefined, limit: number, foreign: boolean): Promise<Response> {
    const transport = url.protocol === 'http:' ? http : https;
    const timeout = this.options.timeoutMs ?? 30_000;
    const where = foreign ? url.host : this.registry;
    return new Promise((resolve, reject) => {
      const request = transport.request(url, { method, headers: { ...headers, ...(body ? { 'content-length': body.length } : {}), 'user-agent': 'stagepack' }, timeout }, (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limit) {
            request.destroy(new RegistryError('protocol', `${where} sent more than ${limit} bytes for ${url.pathname}`, 'check that the reference is a template or feature'));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on('error', (error) => reject(this.networkError(error, where)));
      });
      request.on('timeout', () => request.destroy(new RegistryError('unreachable', `${where} did not answer within ${timeout / 1000} s`, `check that the registry runs and is reachable, then rerun`)));
      request.on('error', (error) => reject(this.networkError(error, where)));
      request.end(body);
    });
  }

  private networkError(error: unknown, where: string): RegistryError {
    if (error instanceof RegistryError) return error;
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const message = error instanceof Error ? error.message : String(error);
    if (TLS_CODES.has(code) || /certificate|SSL|TLS/i.test(message)) {
      return new RegistryError(
        'tls',
        `the TLS connection to ${where} failed: ${message}${code ? ` (${code})` : ''}`,
        `if the registry's certificate comes from your own CA, run with NODE_EXTRA_CA_CERTS=/path/to/ca.pem (stagepack and the Dev Containers CLI it starts both read it); check that the certificate names ${where.replace(/:\d+$/, '')}`,
      );
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new RegistryError('unreachable', `${where} does not resolve (${code})`, 'check the host name, or map it in /etc/hosts');
    return new RegistryError('unreachable', `${where} does not answer: ${message}`, 'start the registry or check the network, then rerun');
  }
}
