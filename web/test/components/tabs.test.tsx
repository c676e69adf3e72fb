// @vitest-environment happy-dom
/**
 * Keyboard moves between tabs from the tab that has focus. The page's choice goes through the
 * address and comes back as `selected` a render later, so a second key can arrive before it:
 * the test holds `selected` still, as that moment does.
 */
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Tabs, type Tab } from '@/components/tabs';

const tabs: Tab[] = ['one', 'two', 'three', 'four'].map((id) => ({
  id,
  label: id,
  panel: <p>{id} panel</p>,
}));

afterEach(cleanup);

describe('Tabs', () => {
  it('moves from the focused tab even when the choice has not come back yet', () => {
    const onSelect = vi.fn();
    render(<Tabs label="Sections" tabs={tabs} selected="four" onSelect={onSelect} />);
    const tab = (name: string) => screen.getByRole('tab', { name });

    tab('four').focus();
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' }); // wraps round
    expect(document.activeElement).toBe(tab('one'));
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowRight' });
    expect(document.activeElement).toBe(tab('two'));
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowLeft' });
    fireEvent.keyDown(document.activeElement!, { key: 'ArrowLeft' });
    expect(document.activeElement).toBe(tab('four'));
    fireEvent.keyDown(document.activeElement!, { key: 'Home' });
    expect(document.activeElement).toBe(tab('one'));
    fireEvent.keyDown(document.activeElement!, { key: 'End' });
    expect(document.activeElement).toBe(tab('four'));
    expect(onSelect.mock.calls.map(([id]) => id)).toEqual([
      'one',
      'two',
      'one',
      'four',
      'one',
      'four',
    ]);
  });

  it('leaves other keys, and keys pressed inside a panel, alone', () => {
    const onSelect = vi.fn();
    render(<Tabs label="Sections" tabs={tabs} selected="one" onSelect={onSelect} />);
    const tab = screen.getByRole('tab', { name: 'one' });
    tab.focus();
    fireEvent.keyDown(tab, { key: 'a' });
    fireEvent.keyDown(screen.getByRole('tabpanel', { name: 'one' }), { key: 'ArrowRight' });
    expect(onSelect).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(tab);
  });
});
