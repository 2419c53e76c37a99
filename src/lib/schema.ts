// TypeBox helpers shared by every module's schemas.ts. Request objects are strict (unknown fields are
// a 400 naming the field); enums are plain JSON-schema enums so errors list the allowed values.
import {
  Type,
  type TObject,
  type TProperties,
  type TSchema,
  type TUnsafe,
  type ObjectOptions,
} from '@sinclair/typebox';

/** A request or response object; unknown properties are rejected on input. */
export function Obj<T extends TProperties>(properties: T, options: ObjectOptions = {}): TObject<T> {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string; default?: T[number] } = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

export const DateTime = (description?: string) =>
  Type.String({ format: 'date-time', ...(description ? { description } : {}) });
export const Uuid = (description?: string) => Type.String({ format: 'uuid', ...(description ? { description } : {}) });

export const ErrorSchema = Type.Object(
  {
    createTime: Type.String({ format: 'date-time', description: 'When the error occurred' }),
    message: Type.String({ description: 'What went wrong, naming the field and rule where one applies' }),
    code: Type.String({ description: 'A code from the error catalogue (Ratio error codes, plus onramp extensions)' }),
    data: Type.Record(Type.String(), Type.Unknown(), {
      description: 'Details such as `field` and `rule`; never secrets',
    }),
  },
  { $id: 'Error', title: 'Error' },
);

/** Marks a schema as a named component in the OpenAPI document. */
export function named<T extends TSchema>(id: string, schema: T): T {
  return { ...schema, $id: id, title: id } as T;
}

// Request schemas stay inline (no $id, no $ref): they are compiled by our own Ajv instances.
// Response components carry an $id, are registered once with app.addSchema, and are referenced
// with Type.Ref; they become named components in the OpenAPI document.
