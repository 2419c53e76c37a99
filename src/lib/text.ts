// What free text in requests may contain. Two layers: the validation plugin refuses any request
// string that is not well-formed Unicode (a lone UTF-16 surrogate, which a JSON \u escape can carry but
// PostgreSQL's text and jsonb cannot store), for every field at once; the use cases that store text
// shown to people (names, address lines) also refuse control characters, after their own trimming
// and whitespace rules, with these shared definitions.

// With the `u` flag a surrogate pair is one code point above U+FFFF, so only a lone half matches.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

// C0 and C1 control characters and the Unicode line/paragraph separators break display and logs.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this refuses
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const MARKUP = /[<>]/;

export function isWellFormedText(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}

/** Control characters (and, with `markup`, angle brackets) make text unsafe to store and display. */
export function hasUnsafeCharacters(value: string, opts: { markup: boolean }): boolean {
  return CONTROL.test(value) || (opts.markup && MARKUP.test(value));
}

/**
 * The JSON-pointer path of the first string (value or object key) in `data` that is not well-formed
 * Unicode, or undefined. Iterative, so a deeply nested body cannot exhaust the stack.
 */
export function findIllFormedText(data: unknown): string | undefined {
  const stack: Array<[unknown, string]> = [[data, '']];
  while (stack.length > 0) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (!isWellFormedText(value)) return path;
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${path}/${i}`]);
    } else if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      if (keys.some((k) => !isWellFormedText(k))) return path;
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!;
        stack.push([
          (value as Record<string, unknown>)[key],
          `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`,
        ]);
      }
    }
  }
  return undefined;
}
