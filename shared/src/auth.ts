import { Type, type Static } from 'typebox';

export const SessionLogin = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
export type SessionLogin = Static<typeof SessionLogin>;

export const Session = Type.Object({ authenticated: Type.Boolean() });
export type Session = Static<typeof Session>;
