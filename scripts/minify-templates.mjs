// After tsc: the wrapping taken out of the html`` and svg`` templates in dist/, as every
// build from source does (./html-templates.mjs says why, and what is taken out).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { minifyTemplates } from './html-templates.mjs';

for (const entry of readdirSync('dist', { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
  const file = join(entry.parentPath, entry.name);
  const code = readFileSync(file, 'utf8');
  const minified = minifyTemplates(code, file);
  if (minified !== code) writeFileSync(file, minified);
}
