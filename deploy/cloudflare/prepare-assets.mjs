// Copies the gallery page and the browser modules it imports (see the import
// map in web/index.html) into dist/cloudflare-assets, the Worker's static assets.
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const out = `${root}dist/cloudflare-assets`;
const require = createRequire(import.meta.url);

rmSync(out, { recursive: true, force: true });
mkdirSync(`${out}/vendor`, { recursive: true });
cpSync(`${root}web`, out, { recursive: true });
cpSync(require.resolve('thumbhash/thumbhash.js'), `${out}/vendor/thumbhash.js`);
cpSync(require.resolve('oauth4webapi'), `${out}/vendor/oauth4webapi.js`);
console.log(`gallery page copied to ${out}`);
