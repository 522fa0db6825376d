// The task list for a status filter: the first page loads with the filter, "load more" appends pages,
// and `applyLive` lays a task fetched after a live event over what was loaded.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, type TaskPage } from '../../api/client';
import { toApiError, type ApiError } from '../../api/errors';
import { useAsync } from '../../hooks/useAsync';
import { boardTasks, type LiveTask } from '../../lib/hireBoard';
import type { TaskSummary } from '../../../../contract/hire-views';

export function useTaskPages(status: string) {
  const first = useAsync((signal) => api.listTasks({ status: status || undefined }, signal), status);
  const [more, setMore] = useState<TaskPage | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<ApiError | null>(null);
  const [live, setLive] = useState<ReadonlyMap<string, LiveTask>>(new Map());
  const statusRef = useRef(status);
  statusRef.current = status;

  // a new filter or a reload starts again from the first page
  useEffect(() => {
    setMore(null);
    setMoreError(null);
    setLive(new Map());
  }, [status, first.data]);

  const applyLive = useCallback((task: TaskSummary, announced: boolean) => {
    setLive((m) => new Map(m).set(task.id, { task, announced }));
  }, []);

  const nextOffset = more ? more.nextOffset : (first.data?.nextOffset ?? null);

  const loadMore = useCallback(async () => {
    if (nextOffset === null) return;
    const asked = status;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await api.listTasks({ status: asked || undefined, offset: nextOffset });
      if (statusRef.current === asked) setMore((m) => ({ tasks: [...(m?.tasks ?? []), ...page.tasks], nextOffset: page.nextOffset }));
    } catch (e) {
      setMoreError(toApiError(e));
    } finally {
      setLoadingMore(false);
    }
  }, [nextOffset, status]);

  const tasks = first.data ? boardTasks([...first.data.tasks, ...(more?.tasks ?? [])], live, status) : undefined;
  return { ...first, tasks, hasMore: nextOffset !== null, loadMore, loadingMore, moreError, applyLive };
}
