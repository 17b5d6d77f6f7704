import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
export const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

export interface PackedProject {
  /** An empty project with the packed tarball installed, as a user installs it. */
  dir: string;
  tarball: string;
  /** Paths inside the tarball. */
  files: string[];
  remove(): void;
}

/** Packs this package and installs the tarball into a fresh project: what users get, not this tree. */
export function installPackedTarball(): PackedProject {
  const dir = mkdtempSync(join(tmpdir(), 'superfone-consumer-'));
  const packed = JSON.parse(execFileSync(NPM, ['pack', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }))[0];
  const tarball = join(dir, packed.filename);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync(NPM, ['install', tarball, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  return {
    dir,
    tarball,
    files: packed.files.map((file: { path: string }) => file.path),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The README and the documents in docs/ it links to: where the recipes are. */
export function documentation(): Array<{ path: string; text: string }> {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((file) => file.endsWith('.md'))
    .map((file) => join('docs', file));
  return ['README.md', ...docs].map((path) => ({ path, text: readFileSync(join(ROOT, path), 'utf8') }));
}

/**
 * The code block that follows `<!-- recipe: name -->` in the README or a document of docs/,
 * so a test runs the recipe exactly as a reader copies it. Under `npm test`, each recipe
 * taken is written down (SUPERFONE_RECIPES_TAKEN), and the run fails if one never was: a
 * test that names a recipe but never reaches it does not count.
 */
export function readmeRecipe(name: string): string {
  for (const { text } of documentation()) {
    const match = new RegExp(`<!-- recipe: ${name} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``).exec(text);
    if (match) {
      if (process.env.SUPERFONE_RECIPES_TAKEN) appendFileSync(process.env.SUPERFONE_RECIPES_TAKEN, `${name}\n`);
      return match[1]!;
    }
  }
  throw new Error(`neither README.md nor docs/ has a recipe "${name}"`);
}
