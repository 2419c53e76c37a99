// POST /operator/commands: runs an operator command inside this server. Loopback only, and only with
// the operator token this process wrote to its state directory (see operator/instance.ts).
import { Type } from '@sinclair/typebox';
import type { App } from '../app-types.ts';
import type { AppContext } from '../context.ts';
import { AppError } from '../errors/app-error.ts';
import { safeEqual } from '../lib/crypto.ts';
import { Obj } from '../lib/schema.ts';
import { runCommand } from './run.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function registerOperatorRoutes(app: App, ctx: AppContext, operatorToken: string): void {
  app.post('/operator/commands', {
    config: { auth: 'public' },
    schema: { hide: true, body: Obj({ argv: Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 50 }) }) },
    handler: async (request, reply) => {
      const token = request.headers['x-onramp-operator-token'];
      if (
        !LOOPBACK.has(request.socket.remoteAddress ?? '') ||
        typeof token !== 'string' ||
        !safeEqual(token, operatorToken)
      ) {
        throw new AppError('NOT_FOUND_ENDPOINT');
      }
      const outcome = await runCommand(ctx, request.body.argv);
      return reply.code(outcome.exitCode === 0 ? 200 : 400).send(outcome);
    },
  });
}
