/**
 * Dockerfiles for rule tables: the minimal fixture's stages with one part replaced, so a case shows only
 * what it changes and its line numbers can be read off the text.
 */
export const BASE = ['FROM python:3.11-slim-bookworm AS base', 'ENV PORT=8000', 'WORKDIR /app'];
export const BUILDER = ['FROM base AS builder', 'COPY requirements.txt ./', 'RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt'];
export const DEVELOPMENT = ['FROM base AS development'];
export const APP_HEAD = ['FROM base AS app', 'COPY --from=builder /opt/venv /opt/venv', 'COPY src/ ./'];
export const APP_TAIL = [
  'USER 10001:10001',
  'EXPOSE 8000',
  `HEALTHCHECK CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/')"]`,
  'CMD ["gunicorn", "app:app"]',
];

/** A whole Dockerfile from parts (each an array of lines); returns the files entry for a case. */
export function dockerfile(...parts: string[][]): Record<string, string> {
  return { Dockerfile: `${parts.flat().join('\n')}\n` };
}

/** The standard Dockerfile with the app stage's tail replaced. */
export function withAppTail(...tail: string[]): Record<string, string> {
  return dockerfile(BASE, BUILDER, DEVELOPMENT, APP_HEAD, tail);
}
