// The CDN build: a folder of ES modules for one <script type="module" src="…/cdn/superfone-call-button.js">,
// no import map, no bundler. The entry and the chunks it imports draw the controls; number
// handling, detection and the words are chunks the entry loads later, by URLs relative to
// itself, so jsDelivr, unpkg and a copy served from node_modules all find them. The number
// search worker sits beside them, started from the same folder where the page allows it.
import { rmSync } from 'node:fs';

import * as esbuild from 'esbuild';

import { templateMinifierPlugin } from './html-templates.mjs';

rmSync('cdn', { recursive: true, force: true });
await esbuild.build({
  entryPoints: {
    'superfone-call-button': 'src/index.ts',
    // Beside the chunk that starts it: `new URL('./number-search-worker.js', import.meta.url)` there.
    'chunks/number-search-worker': 'src/scope/detection/number-search-worker.ts',
  },
  bundle: true,
  splitting: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  outdir: 'cdn',
  chunkNames: 'chunks/[name]-[hash]',
  tsconfig: 'tsconfig.json',
  legalComments: 'linked',
  plugins: [templateMinifierPlugin],
  logLevel: 'warning',
});
