import type { ComponentChildren } from 'preact';

/**
 * "Previous" and "next" over keyset pages. `cursors` holds the `after` of every page up to the one
 * shown (null for the first), so "previous" goes back without an offset; `children` sit between
 * the two buttons.
 */
export function PagerButtons(props: {
  cursors: readonly (string | null)[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
  onCursors: (cursors: (string | null)[]) => void;
  text: { previous: string; next: string };
  children?: ComponentChildren;
}) {
  const { cursors, pageInfo, onCursors, text, children } = props;
  return (
    <>
      <button type="button" class="secondary" disabled={cursors.length <= 1} onClick={() => onCursors(cursors.slice(0, -1))}>
        {text.previous}
      </button>
      {children}
      <button type="button" class="secondary" disabled={!pageInfo.hasNextPage} onClick={() => onCursors([...cursors, pageInfo.endCursor])}>
        {text.next}
      </button>
    </>
  );
}
