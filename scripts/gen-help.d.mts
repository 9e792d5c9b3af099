export function toText(markdown: string): string;
export function generateHelp(readme: string): string;
export function generate(): string;
