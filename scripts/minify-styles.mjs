// The element's stylesheet is written to be read (indented, commented) in
// src/element/call-button.styles.ts; what ships in dist/ is the same CSS minified, since
// bundlers minify JavaScript but leave the text inside css`` as it is.
import { readFileSync, writeFileSync } from 'node:fs';

import * as esbuild from 'esbuild';

const file = 'dist/element/call-button.styles.js';
const source = readFileSync(file, 'utf8');
const match = /css\s*`([^`$]*)`/.exec(source);
if (!match) throw new Error(`${file}: no css\`\` template without interpolations found`);
const { code } = await esbuild.transform(match[1], { loader: 'css', minify: true });
writeFileSync(file, source.replace(match[0], `css\`${code.trim()}\``));
