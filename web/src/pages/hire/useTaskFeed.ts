// A task page's data and how it stays fresh. The task is fetched once, then again on each live
// event of the task (several at once cost one fetch on its way and one after it); only while the
// event stream is down does it poll, slowly. /me (who the token is here, its unread messages) is
// read once the task has quotes (without any the task itself says all: no thread, no quote of
// the token's), and again only after the token's own actions and new messages. A 429 holds every
// refresh back for its Retry-After; what was loaded stays on screen meanwhile.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import { useAsync } from '../../hooks/useAsync';
import { useBackgroundRefresh } from '../../hooks/useBackgroundRefresh';
import { useHireEvents } from '../../hooks/useHireEvents';
import { useOneReloadAtATime } from '../../hooks/useOneReloadAtATime';
import { TASK_REFRESH_MS } from '../../lib/refresh';

const CLOSED = new Set(['completed', 'cancelled', 'expired', 'refunded', 'split']);
/** events that add a message to a thread: unread counts change */
const MESSAGE_EVENTS = new Set(['message.created', 'task.revision_requested', 'task.disputed']);

export function isClosed(status: string): boolean {
  return CLOSED.has(status);
}

export function useTaskFeed(taskId: string, token: string | null) {
  const task = useAsync((signal) => api.getTask(taskId, token, signal), `${taskId}:${token ?? ''}`);
  // after the task's first answer: reading the task marks its delivery read, which /me then no longer counts.
  // Latched: a later reload of the task (no data, no error for a moment) must not read /me again.
  const answered = useRef<string | null>(null);
  if (task.data !== undefined || task.error !== undefined) answered.current = `${taskId}:${token ?? ''}`;
  const meNeeded = task.data === undefined || task.data.quotes.length > 0;
  const me = useAsync((signal) => api.me(token ?? '', signal), token && meNeeded && answered.current === `${taskId}:${token}` ? `${token}:${taskId}` : null);
  const reloadTask = useOneReloadAtATime(task);
  const reloadMe = useOneReloadAtATime(me);
  /** counts the page's refreshes: the open message threads follow it */
  const [round, setRound] = useState(0);
  const meOwed = useRef(false);
  const meFailed = useRef(false);
  meFailed.current = me.error !== undefined;

  const refresh = useCallback(() => {
    reloadTask();
    setRound((r) => r + 1);
    if (meOwed.current || meFailed.current) {
      meOwed.current = false;
      reloadMe();
    }
  }, [reloadTask, reloadMe]);

  const live = useHireEvents(token, (e) => {
    if (e.data.task_id !== taskId) return;
    if (MESSAGE_EVENTS.has(e.event)) meOwed.current = true;
    background.request();
  });
  const open = task.data !== undefined && !isClosed(task.data.status);
  // live, only a refresh that failed (the network; a 429 waits for itself) is tried again at that pace
  const poll = open && (!live || task.error !== undefined);
  const background = useBackgroundRefresh(refresh, { poll, intervalMs: TASK_REFRESH_MS, errors: [task.error, me.error] });

  // the stream open: what happened before it was not heard — after a drop, or between the task's
  // first answer and the stream opening (a first answer still on its way is newer than that)
  const loaded = useRef(false);
  loaded.current = task.data !== undefined;
  const { request } = background;
  useEffect(() => {
    if (live && loaded.current) request();
  }, [live, request]);

  /** after the token's own action: everything again, now */
  const reload = useCallback(() => {
    reloadTask();
    reloadMe();
    setRound((r) => r + 1);
  }, [reloadTask, reloadMe]);

  return { task, me, meNeeded, live, round, waitUntil: background.waitUntil, reload };
}
