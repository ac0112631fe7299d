import type { ErrorObject, Options, ValidateFunction } from 'ajv';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import devcontainerSchema from '../schemas/devcontainer.schema.json';
import featureSchema from '../schemas/devcontainer-feature.schema.json';
import templateSchema from '../schemas/devcontainer-template.schema.json';
import type { TargetKind } from '../pack';
import { PACKAGE_ROOT } from '../version';
import { carried } from './carried-validators';

/**
 * The JSON schemas of src/schemas/ (which authors can also point their editor at). Validators come from the
 * standalone modules the build writes to dist/schemas/ (src/lint/compile-schemas.ts), or are compiled with
 * ajv on first use when a module is missing or was made from an older schema: lint never uses a stale one.
 */
export const SCHEMAS = {
  'devcontainer-template': templateSchema,
  'devcontainer-feature': featureSchema,
  devcontainer: devcontainerSchema,
} as const;
type SchemaName = keyof typeof SCHEMAS;

/** dist/schemas/<name>.validate.js, wherever this code runs from (dist/src/lint/, the bundle in dist/, src/ under ts-node). */
export function compiledPath(name: string): string {
  return path.join(PACKAGE_ROOT, 'dist', 'schemas', `${name}.validate.js`);
}

export function schemaHash(schema: object): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 16);
}

export function newAjv(code?: Options['code']): import('ajv').default {
  const Ajv = (require('ajv') as typeof import('ajv')).default;
  return new Ajv({ allErrors: true, strict: false, ...(code ? { code } : {}) });
}

const validators = new Map<SchemaName, ValidateFunction>();

export function validator(name: SchemaName): ValidateFunction {
  let validate = validators.get(name);
  if (!validate) {
    validate = precompiled(name) ?? newAjv().compile(SCHEMAS[name]);
    validators.set(name, validate);
  }
  return validate;
}

export function precompiled(name: SchemaName): ValidateFunction | undefined {
  try {
    const module = (carried.load?.(name) ?? require(compiledPath(name))) as ValidateFunction & { default?: ValidateFunction; schemaHash?: string };
    const validate = module.default ?? module;
    return module.schemaHash === schemaHash(SCHEMAS[name]) && typeof validate === 'function' ? validate : undefined;
  } catch {
    return undefined;
  }
}

export function metadataValidator(kind: TargetKind): ValidateFunction {
  return validator(kind === 'template' ? 'devcontainer-template' : 'devcontainer-feature');
}

/** devcontainer.json's value types (src/schemas/devcontainer.schema.json, from the spec's reference). */
export function devcontainerValidator(): ValidateFunction {
  return validator('devcontainer');
}

export function knownProperties(kind: TargetKind): string[] {
  return Object.keys((kind === 'template' ? templateSchema : featureSchema).properties);
}

/** An ajv error's instance path (`/options/port/type`) as a JSON path (['options', 'port', 'type']). */
export function jsonPathOf(error: ErrorObject): string[] {
  return error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}
