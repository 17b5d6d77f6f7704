// What a page with one <script type="module" src="…/cdn/superfone-call-button.js"> must fetch
// before anything runs: the entry and every chunk it imports statically, transitively. The
// chunks it loads with import() come later. Read from the built files, as a browser reads them.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

/** `import … from "./x.js"` and `import "./x.js"`, minified or not; never `import("./x.js")`. */
const STATIC_IMPORT = /(?:^|[;\s}])(?:import|export)\s*(?:[\w*{][^"'();]*?from\s*)?["'](\.{1,2}\/[^"']+)["']/g;

export interface UpFront {
  /** Paths relative to the CDN folder, the entry first. */
  files: string[];
  gzipBytes: number;
}

export function cdnUpFront(cdnDir: string, entry = 'superfone-call-button.js'): UpFront {
  const files: string[] = [];
  const visit = (path: string) => {
    if (files.includes(path)) return;
    files.push(path);
    const source = readFileSync(join(cdnDir, path), 'utf8');
    for (const [, specifier] of source.matchAll(STATIC_IMPORT)) visit(relative(cdnDir, join(cdnDir, dirname(path), specifier!)));
  };
  visit(entry);
  const gzipBytes = files.reduce((sum, path) => sum + gzipSync(readFileSync(join(cdnDir, path)), { level: 9 }).length, 0);
  return { files, gzipBytes };
}

/** The gzipped size of one file of the folder. */
export function gzipSize(cdnDir: string, path: string): number {
  return gzipSync(readFileSync(join(cdnDir, path)), { level: 9 }).length;
}
