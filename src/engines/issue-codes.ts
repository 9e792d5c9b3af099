// The stable codes of the problems the engine model reports (ParseIssue.code), for rules and tests to match on.

/** The stable codes of ParseIssue, for rules and tests to match on. */
export const ISSUE_CODES = {
  notAList: 'launch.not-a-list',
  nonStringItem: 'launch.non-string-item',
  entrypointAssumed: 'launch.entrypoint-assumed',
  serveRepeated: 'launch.serve-repeated',
  shellUnparseable: 'shell.unparseable',
  missingValue: 'flag.missing-value',
  unexpectedValue: 'flag.unexpected-value',
  badValue: 'flag.bad-value',
  repeated: 'flag.repeated',
  invalidJson: 'flag.invalid-json',
  dottedReplacesJson: 'flag.dotted-replaces-json',
  configFile: 'flag.config-file',
  unexpectedPositional: 'arg.unexpected-positional',
  modelGivenTwice: 'model.given-twice',
  modelMissing: 'model.missing',
  kvBadField: 'kv-transfer-config.bad-field',
  envInvalid: 'env.invalid-entry',
  envDuplicate: 'env.duplicate',
  envBadValue: 'env.bad-value',
  internal: 'internal.error',
} as const;

export type IssueCode = (typeof ISSUE_CODES)[keyof typeof ISSUE_CODES];
