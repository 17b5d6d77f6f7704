import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import * as esbuild from 'esbuild';

import { installPackedTarball, type PackedProject } from '../support/packed-project.js';

/**
 * A production server imports `superfone-call-button/proxy/node`: what it loads must hold no
 * simulator module. The simulator comes only when `simulate` asks for it, as a chunk of its
 * own. Measured as a user's bundler sees the packed tarball: esbuild, splitting on.
 */
describe('the production proxy entry loads no simulator', { timeout: 180_000 }, () => {
  let packed: PackedProject;

  before(() => {
    packed = installPackedTarball();
  });
  after(() => packed?.remove());

  for (const entry of ['superfone-call-button/proxy/node', 'superfone-call-button/proxy', 'superfone-call-button/vite']) {
    it(`import '${entry}': no simulator module up front; the simulator only in a chunk loaded later`, async () => {
      const result = await esbuild.build({
        stdin: { contents: `export * from '${entry}';`, resolveDir: packed.dir, loader: 'js' },
        bundle: true,
        splitting: true,
        format: 'esm',
        platform: 'node',
        outdir: join(packed.dir, 'bundle-check'),
        write: false,
        metafile: true,
        external: ['vite', 'ioredis'],
        logLevel: 'silent',
      });
      const outputs = result.metafile.outputs;
      const entryOutput = Object.keys(outputs).find((path) => outputs[path]!.entryPoint)!;
      const upFront = new Set([entryOutput]);
      for (const path of upFront) for (const imported of outputs[path]!.imports) if (imported.kind === 'import-statement' && !imported.external) upFront.add(imported.path);
      const inputsOf = (paths: Iterable<string>) => [...paths].flatMap((path) => Object.keys(outputs[path]!.inputs));
      const simulatorUpFront = inputsOf(upFront).filter((input) => input.includes('/simulator/'));
      assert.deepEqual(simulatorUpFront, [], `loaded with ${entry}`);
      assert.ok(
        inputsOf(upFront).some((input) => input.includes('superfone-call-button/dist/server/')),
        'the proxy itself is bundled',
      );
      const later = Object.keys(outputs).filter((path) => !upFront.has(path));
      if (entry !== 'superfone-call-button/proxy') {
        assert.ok(
          inputsOf(later).some((input) => input.includes('/dist/simulator/simulator-server.js')),
          'the simulator is a chunk loaded with simulate',
        );
      }
    });
  }
});
