import type { ReactNode } from 'react';

/** A form field's label, marked "(optional)" when the field may stay empty. */
export function FieldLabel({
  htmlFor,
  optional = false,
  children,
}: {
  htmlFor: string;
  optional?: boolean;
  children: ReactNode;
}) {
  return (
    <label htmlFor={htmlFor} className="block text-sm font-medium">
      {children}
      {optional && (
        <>
          {' '}
          <span className="font-normal text-subtle">(optional)</span>
        </>
      )}
    </label>
  );
}
