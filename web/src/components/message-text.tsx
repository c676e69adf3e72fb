/**
 * A message from the daemon as text, with its `backticked` parts (a command, a path) set as
 * code, the way the daemon's messages mark them.
 */
export function MessageText({ text }: { text: string }) {
  return text.split('`').map((part, index) =>
    index % 2 === 1 ? (
      <code key={index} className="font-mono">
        {part}
      </code>
    ) : (
      part
    ),
  );
}
