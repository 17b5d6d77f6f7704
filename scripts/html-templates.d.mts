import type { Plugin } from 'esbuild';

/** `code` with the wrapping taken out of every html`` and svg`` template in it; `fileName`'s extension says how to parse it. */
export function minifyTemplates(code: string, fileName: string): string;

/** A module's code as it ships when it is one of src/'s; `undefined` for any other. */
export function minifySourceModule(code: string, path: string): string | undefined;

/** For esbuild builds from source: the same minifying on load. */
export const templateMinifierPlugin: Plugin;
