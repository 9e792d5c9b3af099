export interface SchemaError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
  /** JSON pointer (as a URI fragment) of the schema keyword that failed, e.g. #/properties/spec/additionalProperties */
  schemaPath: string;
  message?: string;
}
declare const validate: ((data: unknown) => boolean) & { errors?: SchemaError[] | null };
export default validate;
