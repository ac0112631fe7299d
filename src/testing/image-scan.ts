import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Engine } from '../engine/engine';
import { isRecord } from '../jsonc';
import { ok, run, tail } from '../proc';
import type { SecretFinding } from './checks';
import { StepFailure } from './steps';

/**
 * Looks for a byte string in every layer of an image, in its config and in its history: `docker save`
 * into a folder, then each layer's tar (uncompressed in `docker save` output) and the config JSON are
 * searched as they are. Layers are matched to the instructions that made them through the history.
 */
export async function findInImage(engine: Engine, image: string, needle: string, workDir: string): Promise<{ findings: SecretFinding[]; layers: number }> {
  const dir = fs.mkdtempSync(path.join(workDir, 'image-'));
  try {
    const archive = path.join(dir, 'image.tar');
    const saved = await engine.docker(['save', '--output', archive, image], { timeoutMs: 600_000 });
    // Operational failures (a full disk is the usual one) fail the step, so the run still cleans up.
    if (!ok(saved)) throw new StepFailure(`docker save failed, so the layers could not be searched: ${tail(saved, 3)}\nfix: free disk space for ${workDir} (the image is unpacked there), e.g. docker builder prune`);
    const unpacked = await run('tar', ['-xf', archive, '-C', dir], { timeoutMs: 600_000 });
    if (!ok(unpacked)) throw new StepFailure(`tar failed while unpacking the saved image: ${tail(unpacked, 3)}\nfix: free disk space for ${workDir}`);
    fs.rmSync(archive);
    const manifest: unknown = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    const entry = Array.isArray(manifest) ? manifest[0] : undefined;
    if (!isRecord(entry) || typeof entry.Config !== 'string' || !Array.isArray(entry.Layers)) throw new Error('unexpected docker save layout');
    const configText = fs.readFileSync(path.join(dir, entry.Config), 'utf8');
    const config: unknown = JSON.parse(configText);
    const history = isRecord(config) && Array.isArray(config.history) ? config.history.filter(isRecord) : [];
    // History entries with empty_layer made no layer; the others match the layers in order.
    const makers = history.filter((h) => h.empty_layer !== true).map((h) => String(h.created_by ?? '?'));
    const findings: SecretFinding[] = [];
    const bytes = Buffer.from(needle);
    const layers = entry.Layers.map(String);
    layers.forEach((layer, index) => {
      if (fs.readFileSync(path.join(dir, layer)).includes(bytes)) {
        findings.push({ where: `layer ${index + 1} of ${layers.length}`, createdBy: shorten(makers[index] ?? '?') });
      }
    });
    if (configText.includes(needle)) {
      const instruction = history.find((h) => String(h.created_by ?? '').includes(needle));
      findings.push({ where: 'image config/history', createdBy: shorten(String(instruction?.created_by ?? 'environment or labels')) });
    }
    return { findings, layers: layers.length };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function shorten(createdBy: string): string {
  const text = createdBy.replace(/^\/bin\/sh -c #\(nop\)\s*/, '').replace(/\s+/g, ' ').trim();
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
