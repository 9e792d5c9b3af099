// The engine model: the single place engine flags are read. parseEngine() turns a container (plain object) into
// an EngineModel, or undefined when the container does not launch vLLM or SGLang. It never throws: anything
// malformed becomes a ParseIssue with a stable code (issue-codes.ts) and the container-relative path of the offending
// item. The parts: env.ts (the environment), launch-line.ts (command/args and the launcher), fields.ts (dialect fields
// and their values), model.ts (parseEngine), queries.ts (what the pipeline and the rules ask of a model).

export * from './types.js';
export { shown } from './shell.js';
export type { RuntimeEnv } from './env.js';
export { parseEngine, whyNotEngine } from './model.js';
export { flagValue, flagBool, blockSizeOrDefault, kvConnectors, isNixl, nixlConnectors, httpPortCount, envValue } from './queries.js';
