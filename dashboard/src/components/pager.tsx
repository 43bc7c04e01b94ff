import type { CursorList } from '../hooks/use-cursor-list.js';

export const PAGE_SIZES = [10, 25, 50, 100, 200];

/** Cursor paging: the server gives a cursor for the next page, and the page keeps the ones it came through. */
export function Pager(props: {
  pageNumber: number;
  hasPrevious: boolean;
  hasNext: boolean;
  pageSize: number;
  onPrevious: () => void;
  onNext: () => void;
  onPageSize: (size: number) => void;
  shown: number;
}) {
  return (
    <nav className="pager" aria-label="Pagination">
      <label>
        Rows per page{' '}
        <select value={props.pageSize} onChange={(event) => props.onPageSize(Number(event.target.value))}>
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
      </label>
      <span aria-live="polite">
        Page {props.pageNumber} · {props.shown} shown
      </span>
      <button type="button" onClick={props.onPrevious} disabled={!props.hasPrevious}>
        Previous
      </button>
      <button type="button" onClick={props.onNext} disabled={!props.hasNext}>
        Next
      </button>
    </nav>
  );
}

/** The pager for a list as useCursorList keeps it. */
export function ListPager({ list }: { list: CursorList<unknown> }) {
  return (
    <Pager
      pageNumber={list.pageNumber}
      hasPrevious={list.hasPrevious}
      hasNext={list.hasNext}
      pageSize={list.pageSize}
      onPrevious={list.previous}
      onNext={list.next}
      onPageSize={list.setPageSize}
      shown={list.items.length}
    />
  );
}
