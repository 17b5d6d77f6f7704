// npm run build:extension: the browser extension for CRMs nobody can edit, unpacked in
// dist/extension/ (load it with chrome://extensions → Load unpacked) and zipped for the
// Chrome Web Store and Edge Add-ons. Its code is the element's, detection's and the words'
// own, bundled: nothing is copied.
import { createHash, createPublicKey } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

import * as esbuild from 'esbuild';
import { zipSync } from 'fflate';

import { templateMinifierPlugin } from './html-templates.mjs';

// `--out <folder>` builds elsewhere (the tests do, beside nothing else), the zip beside it.
const outIndex = process.argv.indexOf('--out');
const OUT = outIndex > 0 ? process.argv[outIndex + 1] : 'dist/extension';
const ZIP = `${OUT.replace(/\/?extension\/?$/, '') || '.'}/superfone-call-button-extension.zip`;
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

// `--key <file>` (or SUPERFONE_EXTENSION_KEY=<file>): a PEM key, private or public, whose public
// half goes into the manifest. Chrome derives the extension's id from it, so the id, and with it
// the proxy's allowed origin and the provider's redirect URI, stays the same on every machine
// and build. Without one, an unpacked extension's id comes from its folder's path.
const keyIndex = process.argv.indexOf('--key');
const keyFile = keyIndex > 0 ? process.argv[keyIndex + 1] : process.env.SUPERFONE_EXTENSION_KEY;
const publicKey = keyFile ? createPublicKey(readFileSync(keyFile)).export({ type: 'spki', format: 'der' }) : null;
// Chrome's id: the first 16 bytes of the key's SHA-256, each hex digit written a–p.
const extensionId = publicKey && [...createHash('sha256').update(publicKey).digest('hex').slice(0, 32)].map((digit) => String.fromCharCode(97 + parseInt(digit, 16))).join('');

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

const common = { bundle: true, minify: true, target: 'chrome120', tsconfig: 'tsconfig.json', logLevel: 'warning', legalComments: 'none', plugins: [templateMinifierPlugin] };
// The content script and the options page are classic scripts; the service worker a module.
await esbuild.build({ ...common, entryPoints: { 'content-script': 'src/extension/content-script.ts', options: 'src/extension/options.ts' }, format: 'iife', outdir: OUT });
await esbuild.build({ ...common, entryPoints: { 'service-worker': 'src/extension/service-worker.ts' }, format: 'esm', outdir: OUT });
for (const file of ['options.html', 'options.css', 'managed-schema.json']) copyFileSync(join('src/extension', file), join(OUT, file));

/** The icon Chrome shows beside the extension and on its notifications: a green disc, the Call button's colour, drawn here as a PNG. */
function discIcon(size) {
  const [r, g, b] = [0x0a, 0x7d, 0x33];
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let x = 0; x < size; x++) {
      const distance = Math.hypot(x + 0.5 - size / 2, y + 0.5 - size / 2);
      const alpha = Math.round(255 * Math.min(1, Math.max(0, size / 2 - distance)));
      row.set([r, g, b, alpha], 1 + x * 4);
    }
    rows.push(row);
  }
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
writeFileSync(join(OUT, 'icon-128.png'), discIcon(128));

// The manifest is src/extension/manifest.json, its permissions explained in docs/extension.md
// ("Privacy and permissions"). The build adds the key where one is given, checks that its
// version is the package's, and leaves out the $schema Chrome does not know.
const manifest = JSON.parse(readFileSync('src/extension/manifest.json', 'utf8'));
delete manifest.$schema;
if (manifest.version !== version) throw new Error(`src/extension/manifest.json says version ${manifest.version}, package.json ${version}: make them one.`);
if (publicKey) manifest.key = publicKey.toString('base64');
writeFileSync(join(OUT, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');

const files = Object.fromEntries(readdirSync(OUT).map((file) => [file, readFileSync(join(OUT, file))]));
writeFileSync(ZIP, zipSync(files, { level: 9, mtime: new Date('2026-01-01T00:00:00Z') }));
console.log(`${OUT}/ (${Object.keys(files).length} files) and ${ZIP} (${readFileSync(ZIP).length.toLocaleString('en')} bytes)`);
if (extensionId) {
  console.log(`extension id ${extensionId}: allowed origin chrome-extension://${extensionId}, redirect URI https://${extensionId}.chromiumapp.org/`);
} else {
  console.log('no --key (SUPERFONE_EXTENSION_KEY): the id comes from the folder the extension is loaded from; pin it with a key (docs/extension.md)');
}
