// The column types every module's tables.ts builds on: how a PostgreSQL type reads and writes
// through both drivers (PGlite and pg parse int8 as bigint; see db/index.ts).
import type { ColumnType } from 'kysely';

/** A timestamptz column: Date when read, Date or ISO string when written, defaulted by the database. */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
export type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/**
 * An int8 column. Read as bigint, branded with its unit when it holds money (`Int8<UsdCents>`: the
 * brand is a type only, the driver's bigint is the value); written as bigint, a decimal string or a number.
 */
export type Int8<T extends bigint = bigint> = ColumnType<T, bigint | string | number, bigint | string | number>;
export type NullableInt8<T extends bigint = bigint> = ColumnType<
  T | null,
  bigint | string | null | undefined,
  bigint | string | null
>;
/**
 * A numeric(78,0) column of an asset's minor units (wei overflows int8 past ~9.2 ETH). Both drivers
 * read numeric as a decimal string, so the module's repository turns it into a branded bigint
 * (`minor(BigInt(row.amount_minor))`) before a use case sees it; written as bigint or string.
 */
export type Numeric = ColumnType<string, bigint | string, bigint | string>;
export type Json<T = unknown> = ColumnType<T, string | T, string | T>;
