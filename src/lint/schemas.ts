import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import devcontainerSchema from '../schemas/devcontainer.schema.json';
import featureSchema from '../schemas/devcontainer-feature.schema.json';
import templateSchema from '../schemas/devcontainer-template.schema.json';
import type { TargetKind } from '../pack';

/**
 * The metadata schemas (src/schemas/*.schema.json, which authors can also point their editor at), compiled
 * once on first use: lint of a pack without metadata never pays for ajv.
 */
const compiled = new Map<TargetKind, ValidateFunction>();

export function metadataValidator(kind: TargetKind): ValidateFunction {
  let validate = compiled.get(kind);
  if (!validate) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    validate = ajv.compile(kind === 'template' ? templateSchema : featureSchema);
    compiled.set(kind, validate);
  }
  return validate;
}

let devcontainer: ValidateFunction | undefined;

/** devcontainer.json's value types (src/schemas/devcontainer.schema.json, from the spec's reference). */
export function devcontainerValidator(): ValidateFunction {
  devcontainer ??= new Ajv({ allErrors: true, strict: false }).compile(devcontainerSchema);
  return devcontainer;
}

export function knownProperties(kind: TargetKind): string[] {
  return Object.keys((kind === 'template' ? templateSchema : featureSchema).properties);
}

/** An ajv error's instance path (`/options/port/type`) as a JSON path (['options', 'port', 'type']). */
export function jsonPathOf(error: ErrorObject): string[] {
  return error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}
