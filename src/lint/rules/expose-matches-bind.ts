import { appChain } from '../../dockerfile';
import { instructionsOf, positionOfInstruction } from '../dockerfile-facts';
import { defineRule, isTemplate } from '../rule';
import { environment, expand, serverListen } from '../server-port';

export default defineRule({
  id: 'expose-matches-bind',
  meta: {
    description: 'EXPOSE the port the server listens on, and listen on all interfaces.',
    rationale:
      'EXPOSE is what `docker run -P`, compose, platform tooling and stagepack test read to find the app; when it names another port than the server\'s bind, the container starts and nobody can reach it. A server bound to 127.0.0.1 (gunicorn\'s and uvicorn\'s default) is unreachable from outside the container however the port is published.',
    severity: 'error',
    group: 'shared-base',
    scope: 'applied',
    dockerfileReads: ['FROM', 'ENV', 'ARG', 'EXPOSE', 'CMD', 'ENTRYPOINT'],
    appliesTo: ['template'],
    messages: {
      mismatch: 'EXPOSE {{exposed}}, but {{server}} listens on port {{port}}. Make them the same (EXPOSE {{port}}, or change the bind).',
      noExpose: 'The app stage EXPOSEs no port, but {{server}} listens on {{port}}. Add `EXPOSE {{port}}`.',
      loopback: '{{server}} listens on 127.0.0.1 only, so nothing outside the container reaches it. Bind 0.0.0.0 ({{fix}}).',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.dockerfile) return;
    const { file, model } = target.dockerfile;
    const chain = appChain(model);
    if (!chain) return;
    const env = environment(chain);
    const listen = serverListen(chain, env);
    if (!listen) return;
    const app = chain[chain.length - 1];
    const fixes: Record<string, string> = {
      gunicorn: 'set ENV PORT, or pass --bind 0.0.0.0:PORT',
      uvicorn: 'pass --host 0.0.0.0',
      uwsgi: 'use --http 0.0.0.0:PORT or :PORT',
      streamlit: 'pass --server.address 0.0.0.0',
    };
    if (listen.loopbackOnly) context.report({ messageId: 'loopback', data: { server: listen.server, fix: fixes[listen.server] }, file, position: app.fromPosition });
    if (!listen.port || /\$/.test(listen.port)) return;
    const exposes = instructionsOf(chain, 'EXPOSE');
    const ports = exposes.flatMap((e) => expand(e.args, env).split(/\s+/).filter(Boolean).map((p) => p.replace(/\/(tcp|udp)$/, '')));
    if (!exposes.length) {
      context.report({ messageId: 'noExpose', data: { server: listen.server, port: listen.port }, file, position: app.fromPosition });
    } else if (!ports.includes(listen.port) && !ports.some((p) => p.includes('$'))) {
      context.report({ messageId: 'mismatch', data: { exposed: ports.join(' '), server: listen.server, port: listen.port }, file, position: positionOfInstruction(exposes[exposes.length - 1]) });
    }
  },
});
