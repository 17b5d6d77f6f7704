import type { Browser } from 'playwright';
export declare const CHROMIUM_ARGS: string[];
export declare function findChromium(env?: NodeJS.ProcessEnv, candidates?: Array<string | undefined>): string;
export declare function launchChromium(): Promise<Browser>;
