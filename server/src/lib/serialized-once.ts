import type { FastifyReply } from 'fastify';

/**
 * Sends a large answer that stays the same between changes (the image list: 180 KB of JSON
 * for 300 images) as bytes serialised once per value rather than once per request. The value
 * is the key: a service that hands back the same object until something changed gets the same
 * bytes, and a new object new ones. Serialised by the route's own response schema
 * (`reply.serialize`), so the bytes are what the route would have sent. One per route.
 */
export function serializedOnce() {
  const bodies = new WeakMap<object, Buffer>();
  return (reply: FastifyReply, value: object): FastifyReply => {
    let body = bodies.get(value);
    if (body === undefined) {
      const text = reply.serialize(value);
      body = typeof text === 'string' ? Buffer.from(text) : Buffer.from(new Uint8Array(text));
      bodies.set(value, body);
    }
    return reply.type('application/json; charset=utf-8').send(body);
  };
}
