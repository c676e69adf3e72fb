// The floor for B8: the least a log dashboard ships — React, the virtualizer the UI uses
// (aliased to no-virtualizer.js when web/ has none yet) and an empty, virtualized log pane.
import { StrictMode, useRef } from 'react';
import { createRoot } from 'react-dom/client';
import { useVirtualizer } from 'bench-virtualizer';

function LogPane() {
  const parent = useRef(null);
  const rows = useVirtualizer({
    count: 0,
    getScrollElement: () => parent.current,
    estimateSize: () => 18,
  });
  return (
    <div ref={parent} style={{ height: '100vh', overflow: 'auto', fontFamily: 'monospace' }}>
      <div style={{ height: rows.getTotalSize(), position: 'relative' }}>
        {rows.getVirtualItems().map((row) => (
          <div key={row.key} style={{ position: 'absolute', top: row.start }}>
            {row.index}
          </div>
        ))}
      </div>
    </div>
  );
}

createRoot(document.getElementById('root')).render(
  <StrictMode>
    <LogPane />
  </StrictMode>,
);
