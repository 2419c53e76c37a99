// Request validation: TypeBox schemas compiled by Ajv. Bodies are strict (no type coercion, unknown
// fields rejected); query strings and path parameters coerce from text. Before the schema, every
// string (values and keys, at any depth) must be well-formed Unicode (rule `unicode`). A validation
// failure becomes the documented field code (MISSING_FIRST_NAME, INVALID_USER_ID…) or INVALID_BODY,
// with a message naming the field and the rule, and `data: { field, rule, … }`.
// Each route's validator is compiled on its first request (LazyValidators): compiling all of them
// took a few hundred milliseconds of every start.
import AjvModule, { type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import { AppError } from '../errors/app-error.ts';
import { isErrorCode, type ErrorCode } from '../errors/catalogue.ts';
import { findIllFormedText } from '../lib/text.ts';

// ajv and ajv-formats are CommonJS with `default` exports.
const Ajv = (AjvModule as unknown as { default: typeof AjvModule }).default ?? AjvModule;
const addFormats = (addFormatsModule as unknown as { default: typeof addFormatsModule }).default ?? addFormatsModule;

function makeAjv(coerceTypes: boolean | 'array') {
  const ajv = new Ajv({
    coerceTypes,
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    // TypeBox emits only standard keywords; `strict: false` tolerates annotations such as `example`.
    strict: false,
  });
  addFormats(ajv);
  return ajv;
}

const bodyAjv = makeAjv(false);
const textAjv = makeAjv('array');

type Validate = ((data: unknown, context?: unknown) => boolean) & {
  errors?: ErrorObject[] | null;
  schemaEnv?: unknown;
};

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? bodyAjv : textAjv;
  return checkedValidator(ajv.compile(schema as object) as Validate);
};

/** The Ajv function behind the Unicode check, and its errors as Fastify reads them. */
function checkedValidator(validate: Validate): ReturnType<FastifySchemaCompiler<unknown>> {
  const checked: Validate = (data, context) => {
    const illFormed = findIllFormedText(data);
    if (illFormed !== undefined) {
      checked.errors = [
        {
          keyword: 'unicode',
          instancePath: illFormed,
          schemaPath: '#',
          params: {},
          message: 'must be well-formed Unicode',
        },
      ];
      return false;
    }
    const ok = validate(data, context);
    checked.errors = validate.errors ?? null;
    return ok;
  };
  // Fastify passes the parent object to Ajv functions (for defaults at the root) when it sees this.
  checked.schemaEnv = validate.schemaEnv;
  return checked as ReturnType<FastifySchemaCompiler<unknown>>;
}

/**
 * validatorCompiler, each validator compiled on its first use; compileAll() compiles the rest (the
 * tests check that every one compiles). Fastify reads `schemaEnv` before each call, so it compiles too.
 */
export class LazyValidators {
  private readonly pending = new Set<() => Validate>();

  readonly compiler: FastifySchemaCompiler<unknown> = (route) => {
    let compiled: Validate | undefined;
    const force = (): Validate => {
      if (!compiled) {
        compiled = validatorCompiler(route) as Validate;
        this.pending.delete(force);
      }
      return compiled;
    };
    this.pending.add(force);
    const lazy = ((data: unknown, context?: unknown) => {
      const validate = force();
      const ok = validate(data, context);
      lazy.errors = validate.errors ?? null;
      return ok;
    }) as Validate;
    Object.defineProperty(lazy, 'schemaEnv', { get: () => force().schemaEnv });
    return lazy as ReturnType<FastifySchemaCompiler<unknown>>;
  };

  /** Compiles every validator not compiled yet; returns how many. */
  compileAll(): number {
    const all = [...this.pending];
    for (const force of all) force();
    return all.length;
  }
}

// Request fields whose documented error codes use another name.
const FIELD_CODE_ALIASES: Record<string, string> = {
  phoneNumber: 'PHONE',
  emailAddress: 'EMAIL',
  walletNetwork: 'WALLET_TYPE',
  address: 'WALLET_ADDRESS',
};

/** `firstName` → `FIRST_NAME`, `line1` → `LINE_1` */
export function codeSuffixForField(field: string): string {
  return FIELD_CODE_ALIASES[field] ?? field.replace(/([a-z])([A-Z0-9])/g, '$1_$2').toUpperCase();
}

export function fieldCode(prefix: 'INVALID' | 'MISSING', field: string, fallback: ErrorCode): ErrorCode {
  const candidate = `${prefix}_${codeSuffixForField(field)}`;
  if (isErrorCode(candidate)) return candidate;
  // A missing field without its own MISSING_ code still has a field-specific INVALID_ code.
  const invalid = `INVALID_${codeSuffixForField(field)}`;
  if (prefix === 'MISSING' && isErrorCode(invalid)) return invalid;
  return fallback;
}

const PART_NAMES: Record<string, string> = {
  body: 'request body',
  querystring: 'query string',
  params: 'path',
  headers: 'headers',
};

function describeRule(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type':
      return `must be ${p.type === 'object' ? 'an object' : p.type === 'array' ? 'an array' : `a ${String(p.type)}`}`;
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters`;
    case 'maxLength':
      return `must be at most ${String(p.limit)} characters`;
    case 'pattern':
      return 'has an invalid format';
    case 'format':
      return `must be a valid ${String(p.format)}`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${String(p.comparison)} ${String(p.limit)}`;
    case 'minItems':
      return `must have at least ${String(p.limit)} item(s)`;
    case 'maxItems':
      return `must have at most ${String(p.limit)} items`;
    case 'uniqueItems':
      return 'must not contain duplicates';
    case 'unicode':
      return 'must be well-formed Unicode (no lone UTF-16 surrogate halves)';
    case 'anyOf':
    case 'oneOf':
      return 'does not match any allowed form';
    default:
      return e.message ?? 'is not valid';
  }
}

/** Turns Fastify's validation error into the API's error. */
export function validationError(errors: ErrorObject[], part: string): AppError {
  const e = errors[0]!;
  const where = PART_NAMES[part] ?? part;
  const path = e.instancePath
    .split('/')
    .filter(Boolean)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const fallback: ErrorCode = 'INVALID_BODY';
  const params = e.params as Record<string, unknown>;

  if (e.keyword === 'required') {
    const field = [...path, String(params.missingProperty)].join('.');
    const code = fieldCode('MISSING', String(params.missingProperty), fallback);
    return new AppError(code, {
      message: `\`${field}\` is required in the ${where}`,
      data: { field, rule: 'required' },
    });
  }
  if (e.keyword === 'additionalProperties') {
    const field = [...path, String(params.additionalProperty)].join('.');
    return new AppError('INVALID_BODY', {
      message: `\`${field}\` is not a recognized field in the ${where}`,
      data: { field, rule: 'additionalProperties' },
    });
  }
  if (e.keyword === 'unicode') {
    const field = path.length > 0 ? path.join('.') : part;
    const last = [...path].reverse().find((s) => !/^\d+$/.test(s));
    return new AppError(last ? fieldCode('INVALID', last, fallback) : fallback, {
      message: `\`${field}\` ${describeRule(e)}`,
      data: { field, rule: 'unicode' },
    });
  }
  if (path.length === 0) {
    const message = part === 'body' ? 'The request body must be a JSON object' : `The ${where} ${describeRule(e)}`;
    return new AppError('INVALID_BODY', { message, data: { field: part, rule: e.keyword } });
  }
  const field = path.join('.');
  const last = [...path].reverse().find((s) => !/^\d+$/.test(s)) ?? field;
  const code = fieldCode('INVALID', last, fallback);
  const data: Record<string, unknown> = { field, rule: e.keyword };
  if (params.limit !== undefined) data.limit = params.limit;
  if (params.allowedValues !== undefined) data.allowed = params.allowedValues;
  if (params.format !== undefined) data.format = params.format;
  return new AppError(code, { message: `\`${field}\` ${describeRule(e)}`, data });
}
