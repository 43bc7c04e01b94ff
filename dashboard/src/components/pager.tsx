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

/** What a pager needs of a list: useCursorList's and useNumberedList's both have it. */
type PagedList = Pick<CursorList<unknown>, 'pageNumber' | 'hasPrevious' | 'hasNext' | 'pageSize' | 'previous' | 'next' | 'setPageSize' | 'items'>;

/**
 * The pager for a list as useCursorList or useNumberedList keeps it. `stale`: the rows shown no longer match the
 * filter being typed, so no page can be turned and none is counted.
 */
export function ListPager({ list, stale = false }: { list: PagedList; stale?: boolean }) {
  return (
    <Pager
      pageNumber={list.pageNumber}
      hasPrevious={list.hasPrevious && !stale}
      hasNext={list.hasNext && !stale}
      pageSize={list.pageSize}
      onPrevious={list.previous}
      onNext={list.next}
      onPageSize={list.setPageSize}
      shown={stale ? 0 : list.items.length}
    />
  );
}
