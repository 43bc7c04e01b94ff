import type { ReactNode } from 'react';
import type { CursorList } from '../hooks/use-cursor-list.js';
import { Empty, ErrorMessage, Loading } from './states.js';

/**
 * The states every paged list goes through: the error (above whatever rows are still shown), loading before the
 * first rows, empty, and otherwise the rows themselves.
 */
export function ListBody(props: { list: CursorList<unknown>; errorTitle: string; loadingLabel: string; empty: ReactNode; children: ReactNode }) {
  const { list } = props;
  return (
    <>
      {list.error !== null && <ErrorMessage error={list.error} title={props.errorTitle} />}
      {list.loading && list.items.length === 0 && list.error === null ? (
        <Loading label={props.loadingLabel} />
      ) : list.items.length === 0 && list.error === null ? (
        <Empty>{props.empty}</Empty>
      ) : (
        list.items.length > 0 && props.children
      )}
    </>
  );
}
