import type { Document } from 'yaml';
import type { Position } from './diagnostics';
import { own, setOwn } from './jsonc';
import { applyOptions, PLACEHOLDER_PREFIX } from './template-options';

/**
 * A Docker Compose file as far as templates need it: its services' build settings and volumes, with the
 * position of each value for diagnostics. Parse errors are kept, never thrown.
 */
export interface ComposeBuild {
  context: string;
  dockerfile: string;
  target?: string;
  /** Build arguments, map or `KEY=VALUE` list form; a bare `KEY` (taken from the environment) is left out. */
  args: Record<string, string>;
  position: Position;
  targetPosition?: Position;
}

export interface ComposeService {
  name: string;
  position: Position;
  build?: ComposeBuild;
  image?: string;
  /** Compose profiles the service belongs to: it starts only when one of them is enabled. */
  profiles: string[];
  /** Short-syntax volumes (`source:target[:mode]`) and long-syntax source/target pairs. */
  volumes: { source: string; target: string; position: Position }[];
}

export interface ComposeModel {
  errors: { message: string; position: Position }[];
  services: ComposeService[];
}

export function parseCompose(text: string): ComposeModel {
  // Loaded on first use: only templates with a compose file need a YAML parser.
  const { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } = require('yaml') as typeof import('yaml');
  const lines = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number | undefined): Position => {
    const { line, col } = lines.linePos(offset ?? 0);
    return { line, column: col };
  };
  // The YAML parser recurses; it turns a stack overflow on absurd nesting into an error, which is named so.
  const errors = doc.errors.map((e) => ({
    message: /call stack/i.test(e.message) ? 'it nests more deeply than a parser can follow (thousands of levels); no compose file needs that, flatten it' : e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''),
    position: at(e.pos[0]),
  }));
  const services: ComposeService[] = [];
  const root = doc.contents;
  const servicesNode = isMap(root) ? root.get('services', true) : undefined;
  if (isMap(servicesNode)) {
    for (const pair of servicesNode.items) {
      const name = isScalar(pair.key) ? String(pair.key.value) : '';
      const node = pair.value;
      const service: ComposeService = { name, position: at(isScalar(pair.key) ? pair.key.range?.[0] : undefined), profiles: [], volumes: [] };
      if (isMap(node)) {
        // `build: *app-build`: an alias of another service's build (compose resolves YAML anchors, so do we).
        const written: unknown = node.get('build', true);
        const build: unknown = isAlias(written) ? written.resolve(doc) : written;
        if (isScalar(build)) service.build = { context: String(build.value), dockerfile: 'Dockerfile', args: {}, position: at(build.range?.[0]) };
        else if (isMap(build)) {
          const target = build.get('target', true);
          service.build = {
            context: String(build.get('context') ?? '.'),
            dockerfile: String(build.get('dockerfile') ?? 'Dockerfile'),
            target: isScalar(target) ? String(target.value) : undefined,
            args: buildArgs(build.get('args', true)),
            position: at(build.range?.[0]),
            targetPosition: isScalar(target) ? at(target.range?.[0]) : undefined,
          };
        }
        const profiles: unknown = node.get('profiles', true);
        if (isSeq(profiles)) service.profiles = profiles.items.filter(isScalar).map((p) => String(p.value));
        const image = node.get('image');
        if (typeof image === 'string') service.image = image;
        const volumes: unknown = node.get('volumes', true);
        if (isSeq(volumes)) {
          for (const item of volumes.items) {
            if (isScalar(item)) {
              const parts = String(item.value).split(':');
              if (parts.length >= 2) service.volumes.push({ source: parts[0], target: parts[1], position: at(item.range?.[0]) });
            } else if (isMap(item)) {
              const source = item.get('source');
              const target = item.get('target');
              if (typeof source === 'string' && typeof target === 'string') service.volumes.push({ source, target, position: at(item.range?.[0]) });
            }
          }
        }
      }
      services.push(service);
    }
  }
  return { errors, services };

  function buildArgs(node: unknown): Record<string, string> {
    const args: Record<string, string> = {};
    if (isMap(node)) {
      for (const pair of node.items) if (isScalar(pair.key) && isScalar(pair.value) && pair.value.value !== null) setOwn(args, String(pair.key.value), String(pair.value.value));
    } else if (isSeq(node)) {
      for (const item of node.items) {
        const match = isScalar(item) ? /^([^=]+)=(.*)$/.exec(String(item.value)) : null;
        if (match) setOwn(args, match[1], match[2]);
      }
    }
    return args;
  }
}

/**
 * A compose model with template option values substituted into its strings, keeping the template file's
 * positions (as substituteDockerfile does for Dockerfiles): lint reads a compose file once per option
 * variant, and parsing YAML is the costly part. Undefined when the file had errors or a value could change
 * the YAML's structure or a volume's `source:target` split: then the applied text must be parsed.
 */
export function substituteCompose(model: ComposeModel, values: Readonly<Record<string, string>>, used?: Iterable<string>): ComposeModel | undefined {
  if (model.errors.length) return undefined;
  // Not empty, letters, digits and `. /+=@-:` only, no `: `, no trailing `:` and no space at either end (an
  // empty value or a leading space after a `:` of the template's text makes `app:` or `: `, a trailing one
  // before its `#` a comment, and YAML trims both): with those a plain YAML scalar cannot change shape.
  // The values of the options the file uses (`used`, the names of its placeholders), or else every value.
  const checked = used !== undefined ? [...used].map((name) => own(values, name) ?? '') : Object.values(values);
  if (checked.some((v) => !/^[\w. /+=@:-]*$/.test(v) || v.includes(': ') || v.endsWith(':') || v === '' || v.startsWith(' ') || v.endsWith(' '))) return undefined;
  const sub = (text: string) => (text.includes(PLACEHOLDER_PREFIX) ? applyOptions(text, values) : text);
  // A placeholder in a short-syntax volume was split at its own colon (`${templateOption:x}:/w`), and a
  // value with a colon would split differently: parse the applied text then. (Looked for without the
  // prefix's colon, at which the split may have cut it: `${templateOption` and `x}`.)
  if (model.services.some((s) => s.volumes.some((v) => `${v.source}${v.target}`.includes('${templateOption')))) return undefined;
  return {
    errors: [],
    services: model.services.map((service) => ({
      ...service,
      name: sub(service.name),
      ...(service.image !== undefined ? { image: sub(service.image) } : {}),
      profiles: service.profiles.map(sub),
      volumes: service.volumes.map((v) => ({ ...v, source: sub(v.source), target: sub(v.target) })),
      ...(service.build
        ? {
            build: {
              ...service.build,
              context: sub(service.build.context),
              dockerfile: sub(service.build.dockerfile),
              ...(service.build.target !== undefined ? { target: sub(service.build.target) } : {}),
              args: Object.fromEntries(Object.entries(service.build.args).map(([k, v]) => [sub(k), sub(v)])),
            },
          }
        : {}),
    })),
  };
}
