import { useId, useState } from 'react';
import type { RegistryTags } from '@archdeck/shared';
import { Tags } from 'lucide-react';
import { Button } from '@/components/button';
import { ErrorNotice } from '@/components/error-notice';
import { SearchBox } from '@/components/search-box';
import { Spinner } from '@/components/spinner';
import { useTags } from '../api/get-tags';

/** From how many tags the list gets a filter field. */
const FILTER_FROM = 12;

const byVersion = new Intl.Collator(undefined, { numeric: true }).compare;

function TagList({ data }: { data: RegistryTags }) {
  const [query, setQuery] = useState('');
  const tags = [...data.tags].sort(byVersion);
  const needle = query.trim().toLowerCase();
  const shown = needle ? tags.filter((tag) => tag.toLowerCase().includes(needle)) : tags;
  if (tags.length === 0) {
    return (
      <p className="text-xs text-muted">
        The registry lists no tags for <span className="font-mono">{data.repository}</span>.
      </p>
    );
  }
  return (
    <div className="space-y-2">
      <p className="text-xs text-muted" data-testid="image-detail-registry-tags-count">
        {tags.length} {tags.length === 1 ? 'tag' : 'tags'} in{' '}
        <span className="font-mono break-all">{data.repository}</span>
        {data.truncated && ' (the first 10,000: the registry has more)'}
        {needle && `, ${shown.length} matching`}
      </p>
      {tags.length >= FILTER_FROM && (
        <SearchBox
          value={query}
          onChange={setQuery}
          label="Filter the registry's tags"
          clearLabel="Clear the tag filter"
          placeholder="Filter tags"
          placement="toolbar"
        />
      )}
      {/* Focusable, so that a keyboard can scroll a long list. */}
      <ul
        tabIndex={0}
        aria-label={`Tags of ${data.repository} in the registry`}
        className="max-h-56 space-y-0.5 overflow-y-auto rounded-lg border border-line px-3 py-2 font-mono text-xs focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-500"
      >
        {shown.map((tag) => (
          <li key={tag} className="break-all">
            {tag}
          </li>
        ))}
        {shown.length === 0 && <li className="font-sans text-subtle italic">No tag matches.</li>}
      </ul>
    </div>
  );
}

/**
 * The tags a repository has in its registry, asked for only when the user wants them: the
 * registry may be slow, far, or need a login archdeck does not have.
 */
export function RegistryTagList({ repository }: { repository: string }) {
  const [open, setOpen] = useState(false);
  const tags = useTags(repository, open);
  const regionId = useId();
  return (
    <div className="mt-2 space-y-2">
      <Button
        size="sm"
        icon={<Tags aria-hidden />}
        aria-expanded={open}
        aria-controls={open ? regionId : undefined}
        onClick={() => setOpen(!open)}
        data-testid="image-detail-registry-tags-toggle"
      >
        {open ? 'Hide the registry’s tags' : 'Show tags in the registry'}
      </Button>
      {open && (
        <div id={regionId} data-testid="image-detail-registry-tags">
          {tags.isPending ? (
            <p className="flex items-center gap-2 text-xs text-muted">
              <Spinner label="Listing the registry's tags" />
              Asking the registry for the tags of{' '}
              <span className="font-mono break-all">{repository}</span>…
            </p>
          ) : tags.isError ? (
            <ErrorNotice
              title={`Could not list the tags of ${repository}`}
              error={tags.error}
              onRetry={() => void tags.refetch()}
            />
          ) : (
            <TagList data={tags.data} />
          )}
        </div>
      )}
    </div>
  );
}
