import { Type, type TSchema } from 'typebox';

/** `T | null`: the contract says "unknown" with null, never by leaving a field out. */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
