import * as http from 'node:http';

/**
 * A bounded burst of GET requests from loopback: a fixed count, a fixed concurrency and an overall time
 * limit, after which it stops by itself. Each request opens its own connection (gunicorn's sync workers
 * close them anyway), so the burst also exercises accept and the published port. Several URLs are requested
 * in turn.
 */
export interface LoadResult {
  requested: number;
  completed: number;
  errors: { count: number; first?: string };
  durationMs: number;
  latenciesMs: number[];
  timedOut: boolean;
}

export async function burst(urls: string | readonly string[], options: { requests: number; concurrency: number; timeLimitMs: number }): Promise<LoadResult> {
  const started = Date.now();
  const latenciesMs: number[] = [];
  const errors: LoadResult['errors'] = { count: 0 };
  let next = 0;
  let timedOut = false;
  const deadline = started + options.timeLimitMs;
  const targets = typeof urls === 'string' ? [urls] : urls;
  const one = (url: string) =>
    new Promise<void>((resolve) => {
      const sent = process.hrtime.bigint();
      const request = http.get(url, { timeout: 5000, agent: false }, (response) => {
        response.resume();
        response.on('end', () => {
          // A 4xx is no answer either (429 under load, 404): only 2xx and 3xx count. A 3xx is the redirect
          // the app-http check already followed to a 2xx page.
          if ((response.statusCode ?? 0) >= 400 || (response.statusCode ?? 0) === 0) {
            errors.count++;
            errors.first ??= `HTTP ${response.statusCode}`;
          } else latenciesMs.push(Number(process.hrtime.bigint() - sent) / 1e6);
          resolve();
        });
      });
      request.on('timeout', () => request.destroy(new Error('no answer within 5 s')));
      request.on('error', (error) => {
        errors.count++;
        errors.first ??= error.message;
        resolve();
      });
    });
  const worker = async () => {
    while (next < options.requests) {
      if (Date.now() > deadline) {
        timedOut = true;
        return;
      }
      // Round the URLs in turn: request n goes to URL n mod count.
      await one(targets[next++ % targets.length]);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { requested: options.requests, completed: latenciesMs.length, errors, durationMs: Date.now() - started, latenciesMs, timedOut };
}
