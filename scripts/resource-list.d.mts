export function resourceListFromDir(dir: string, options?: { configFile?: string }): string;
