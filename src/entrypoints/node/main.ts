import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { WasmVipsImageProcessor } from '../../adapters/image/wasm-vips-image-processor.js';
import { defaultLimits } from '../../domain/limits.js';
import { defaultRenditionSettings } from '../../domain/presets.js';
import { devIdentity, jwtIdentity } from '../http/identity.js';
import { startDevServer } from './dev-server.js';

const Env = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default('127.0.0.1'),
    AUTH_MODE: z.enum(['dev', 'jwt']).default('dev'),
    JWT_ISSUER: z.string().optional(),
    JWT_AUDIENCE: z.string().optional(),
    JWKS_URL: z.url().optional(),
    ALLOWED_ORIGINS: z
      .string()
      .default('*')
      .transform((s) =>
        s
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean),
      ),
    URL_SIGNING_SECRET: z.string().min(32).optional(),
  })
  .superRefine((env, ctx) => {
    if (env.AUTH_MODE !== 'jwt') return;
    for (const key of ['JWT_ISSUER', 'JWT_AUDIENCE', 'JWKS_URL'] as const) {
      if (!env[key])
        ctx.addIssue({ code: 'custom', path: [key], message: `${key} is required when AUTH_MODE=jwt` });
    }
  });

const parsed = Env.safeParse(process.env);
if (!parsed.success) {
  for (const issue of parsed.error.issues) console.error(`config: ${issue.path.join('.')}: ${issue.message}`);
  process.exit(1);
}
const env = parsed.data;

const server = await startDevServer({
  port: env.PORT,
  host: env.HOST,
  limits: defaultLimits,
  renditions: defaultRenditionSettings,
  // A fresh secret per run is fine: the in-memory store forgets everything on restart too.
  urlSecret: env.URL_SIGNING_SECRET ?? randomBytes(32).toString('hex'),
  identity:
    env.AUTH_MODE === 'jwt'
      ? jwtIdentity({
          issuer: env.JWT_ISSUER ?? '',
          audience: env.JWT_AUDIENCE ?? '',
          jwksUrl: env.JWKS_URL ?? '',
        })
      : devIdentity(),
  processor: new WasmVipsImageProcessor(),
  allowedOrigins: env.ALLOWED_ORIGINS,
  pageConfig: { apiBase: '', auth: { mode: env.AUTH_MODE } },
});

console.log(`Pixport dev server: ${server.url}  (gallery at /, API docs at /openapi.json; Ctrl+C stops)`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: shutting down`);
  await server.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
