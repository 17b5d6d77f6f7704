import type { Plugin } from 'esbuild';

/** `code` with the wrapping taken out of every html`` and svg`` template in it; `fileName`'s extension says how to parse it. */
export function minifyTemplates(code: string, fileName: string): string;

/** For esbuild builds from source: the same minifying on load. */
export const templateMinifierPlugin: Plugin;
