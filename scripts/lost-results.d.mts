export function unfinishedSuites(output: string): string[];
export function filesOfSuite(name: string, folders: string[]): string[];
