// The CDN build: one self-contained ES module for <script type="module" src="…">, no
// import map, no bundler, no chunk paths for a CDN to get wrong. The detection code is in
// it too, but only evaluated when a scope turns detection on.
import * as esbuild from 'esbuild';
import { rmSync } from 'node:fs';

rmSync('cdn', { recursive: true, force: true });
await esbuild.build({
  entryPoints: { 'superfone-call-button': 'src/index.ts' },
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  outdir: 'cdn',
  tsconfig: 'tsconfig.json',
  legalComments: 'linked',
  logLevel: 'warning',
});
