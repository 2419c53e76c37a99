// The part of newman's API test/postman.test.ts uses (newman ships no types).
declare module 'newman' {
  export function run(
    options: Record<string, unknown>,
    callback: (error: Error | null, summary: unknown) => void,
  ): void;
  const newman: { run: typeof run };
  export default newman;
}
