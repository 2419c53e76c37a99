// Response serializers compiled when first used. Fastify compiles one fast-json-stringify function per
// route and status from the response schemas when the app becomes ready: ~300 of them here, the
// largest part of a start's CPU after the database (docs/performance.md). Each is compiled on its
// first response instead; compileAll() compiles every one (the tests check that all compile).
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type SerializerFactory = ReturnType<typeof SerializerSelector>;
type Serializer = ReturnType<ReturnType<SerializerFactory>>;

export class LazySerializers {
  private readonly pending = new Set<() => Serializer>();
  private readonly compileWith = SerializerSelector();

  /** For Fastify's `schemaController.compilersFactory.buildSerializer`. */
  readonly factory: SerializerFactory = (externalSchemas, options) => {
    const compile = this.compileWith(externalSchemas, options);
    return (route) => {
      let serialize: Serializer | undefined;
      const force = (): Serializer => {
        if (!serialize) {
          serialize = compile(route);
          this.pending.delete(force);
        }
        return serialize;
      };
      this.pending.add(force);
      return (data) => force()(data);
    };
  };

  /** Compiles every serializer not compiled yet; returns how many. */
  compileAll(): number {
    const all = [...this.pending];
    for (const force of all) force();
    return all.length;
  }
}
