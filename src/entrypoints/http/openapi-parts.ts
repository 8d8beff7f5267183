import * as z from 'zod';

// Small builders of OpenAPI objects, shared by the API's paths and the /files routes'.

type JsonObject = Record<string, unknown>;

/** A reference to a component schema. */
export const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
/** A JSON body of this schema. */
export const json = (schema: JsonObject) => ({ 'application/json': { schema } });

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed input; `field` names the culprit',
  401: 'No valid identity',
  403: 'A bad or expired signature',
  404: 'No such photo for this owner',
  405: 'The path exists, the method does not; see `Allow`',
  409: 'Not in a state for this request',
  410: 'The upload has expired; register the file again',
  413: 'Over a size limit, or (`quota-exceeded`) more bytes than the owner has left',
  415: 'Not an accepted media type',
  416: 'The range starts past the end of the file; `Content-Range` gives its size',
  429: "`quota-exceeded`: the owner's quota of photos is used up; delete photos to upload more",
};

/** The problem+json responses of these statuses. */
export const problems = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      String(s),
      {
        description: PROBLEM_DESCRIPTIONS[s] ?? 'A problem',
        content: { 'application/problem+json': { schema: ref('Problem') } },
      },
    ]),
  );

/** A zod schema as plain JSON Schema, for a spot with no component. */
export const inline = (schema: z.ZodType, io: 'input' | 'output' = 'output'): JsonObject => {
  const { $schema: _s, $id: _i, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest as JsonObject;
};

/** A RegExp as a JSON Schema `pattern`. */
export const pattern = (re: RegExp) => re.source;
