import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from '../api/types.js';

/**
 * One page of a cursor-paged list. `filterKey` identifies the filters: when it changes, paging starts over.
 * Answers that arrive after a newer request are dropped, so fast typing in a search box never shows stale rows.
 */
export function useCursorList<T>(load: (cursor: string | null, limit: number) => Promise<Page<T>>, filterKey: string, initialPageSize = 50) {
  const [pageSize, setPageSize] = useState(initialPageSize);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<Page<T> | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  const latest = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    setCursors([null]);
  }, [filterKey, pageSize]);

  const cursor = cursors[cursors.length - 1] ?? null;
  useEffect(() => {
    const request = ++latest.current;
    setLoading(true);
    loadRef
      .current(cursor, pageSize)
      .then((result) => {
        if (request !== latest.current) return;
        setPage(result);
        setError(null);
      })
      .catch((caught: unknown) => {
        if (request === latest.current) setError(caught);
      })
      .finally(() => {
        if (request === latest.current) setLoading(false);
      });
  }, [cursor, pageSize, filterKey, version]);

  return {
    items: page?.items ?? [],
    loading,
    error,
    pageSize,
    pageNumber: cursors.length,
    hasPrevious: cursors.length > 1,
    hasNext: Boolean(page?.nextCursor),
    setPageSize,
    next: useCallback(() => {
      if (page?.nextCursor) setCursors((c) => [...c, page.nextCursor]);
    }, [page]),
    previous: useCallback(() => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)), []),
    reload: useCallback(() => setVersion((v) => v + 1), []),
  };
}

/** Walks every page of a list; for "select all" and for pickers over a whole organization. */
export async function loadAll<T>(load: (cursor: string | null, limit: number) => Promise<Page<T>>, cap = 100_000): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await load(cursor, 200);
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && out.length < cap);
  return out;
}

export type CursorList<T> = ReturnType<typeof useCursorList<T>>;
