/** One Server-Sent Event as the daemon sends them: a name and JSON data. */
export interface SseEvent {
  event: string;
  data: unknown;
}

/**
 * The events of an SSE body (a fetch response's), decoded across chunk boundaries: for the CLI
 * and for tests that read the daemon's streams as a client does. lib/sse.ts is the writing side.
 */
export async function* readSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of body) {
    buf += decoder.decode(chunk, { stream: true });
    for (let sep = buf.indexOf('\n\n'); sep !== -1; sep = buf.indexOf('\n\n')) {
      const block = buf.slice(0, sep);
      buf = buf.slice(sep + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length > 0) yield { event, data: JSON.parse(data.join('\n')) as unknown };
    }
  }
}
