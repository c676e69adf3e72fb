import { CopyButton } from './copy-button';

/** A command the user is meant to run, with a button that copies it. */
export function CodeBlock({ code, label = 'Copy command' }: { code: string; label?: string }) {
  return (
    <div className="relative rounded-lg border border-line bg-sunken">
      <pre className="py-3 pr-24 pl-4 font-mono text-[13px] leading-relaxed whitespace-pre-wrap [overflow-wrap:anywhere]">
        <code>{code}</code>
      </pre>
      <CopyButton text={code} label={label} className="absolute top-2 right-2" />
    </div>
  );
}
