import { useCallback, useEffect, useRef, useState } from 'react';
import type { NumberedPage } from '../api/types.js';

/**
 * One page of a list the server pages by number and counts (the OAuth lists). `filterKey` identifies the
 * filters: when it changes, or the page size does, paging starts over at page 1. Answers that arrive after a
 * newer request are dropped, so fast typing in a search box never shows stale rows.
 */
export function useNumberedList<T>(load: (page: number, pageSize: number) => Promise<NumberedPage<T>>, filterKey: string, initialPageSize = 25) {
  const [pageSize, setPageSize] = useState(initialPageSize);
  const [pageNumber, setPageNumber] = useState(1);
  const [page, setPage] = useState<NumberedPage<T> | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [version, setVersion] = useState(0);
  const latest = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => setPageNumber(1), [filterKey, pageSize]);

  useEffect(() => {
    const request = ++latest.current;
    setLoading(true);
    loadRef
      .current(pageNumber, pageSize)
      .then((result) => {
        if (request !== latest.current) return;
        // Deleting the last rows of the last page leaves it empty: step back to the page that now ends the list.
        if (result.items.length === 0 && pageNumber > 1) return setPageNumber(Math.max(1, Math.ceil(result.total / pageSize)));
        setPage(result);
        setError(null);
      })
      .catch((caught: unknown) => {
        if (request === latest.current) setError(caught);
      })
      .finally(() => {
        if (request === latest.current) setLoading(false);
      });
  }, [pageNumber, pageSize, filterKey, version]);

  const total = page?.total ?? 0;
  return {
    items: page?.items ?? [],
    total,
    loading,
    error,
    pageSize,
    pageNumber,
    hasPrevious: pageNumber > 1,
    hasNext: pageNumber * pageSize < total,
    setPageSize,
    next: useCallback(() => setPageNumber((n) => n + 1), []),
    previous: useCallback(() => setPageNumber((n) => Math.max(1, n - 1)), []),
    reload: useCallback(() => setVersion((v) => v + 1), []),
  };
}

/** Walks every page of a numbered list; for "select all" over every match of a search. */
export async function loadAllNumbered<T>(load: (page: number, pageSize: number) => Promise<NumberedPage<T>>, cap = 100_000): Promise<T[]> {
  const out: T[] = [];
  for (let page = 1; ; page++) {
    const answer = await load(page, 200);
    out.push(...answer.items);
    if (answer.items.length === 0 || out.length >= answer.total || out.length >= cap) return out;
  }
}

export type NumberedList<T> = ReturnType<typeof useNumberedList<T>>;
