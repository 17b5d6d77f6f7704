export function unfinishedSuites(output: string): string[];
export function filesOfSuite(name: string, folders: string[]): string[];
export function runLostAgain(
  captured: string,
  folder: string,
  runCommand: (command: string, args: string[]) => Promise<{ code: number; captured: string }>,
): Promise<{ ok: boolean; output: string }>;
