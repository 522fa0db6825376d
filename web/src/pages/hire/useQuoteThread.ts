// One quote's message thread as the task page holds it: read when it is opened (or when the page
// needs the note it carries), then read again with each of the page's refreshes; which of the
// other side's messages were not seen yet, for the count on the closed thread.
import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import type { ApiError } from '../../api/errors';
import type { TaskRole } from '../../../../contract/hire-states';
import type { Message } from '../../../../contract/hire-views';
import { useAsync } from '../../hooks/useAsync';
import { nextUnseen } from '../../lib/hireThread';

export interface QuoteThread {
  messages: Message[] | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** the thread has been read on this page: `unseen` counts for it (the server's count no longer does) */
  followed: boolean;
  /** ids of the other side's messages not shown yet */
  unseen: ReadonlySet<number>;
  open: boolean;
  setOpen: (open: boolean) => void;
  reload: () => void;
}

interface ThreadOptions {
  /** read it even while closed (the delivery note it carries) */
  wanted: boolean;
  /** the page's refresh count: a followed thread reads again with each */
  round: number;
  reader: TaskRole;
}

/** `quoteId` null: no thread (not a side of it, or no token). */
export function useQuoteThread(token: string | null, taskId: string, quoteId: string | null, opts: ThreadOptions): QuoteThread {
  const [open, setOpen] = useState(false);
  const [followed, setFollowed] = useState(false);
  const [unseen, setUnseen] = useState<ReadonlySet<number>>(new Set());
  const active = token !== null && quoteId !== null && (opts.wanted || open || followed);
  const { reader } = opts;
  const openNow = useRef(open);
  openNow.current = open;
  // each answer: what it says was unread joins the unseen, unless the thread is open (closing it
  // adds nothing). Every answer counts, one a newer read superseded too: a read marks the thread
  // read on the server, so the next answer no longer says what this one did. Not aborted for the same reason.
  const heard = useRef<(messages: Message[]) => void>(() => {});
  heard.current = (messages) => {
    setFollowed(true);
    setUnseen((before) => nextUnseen(before, messages, reader, openNow.current));
  };
  const thread = useAsync(
    () => api.getMessages(token ?? '', taskId, quoteId ?? '').then((m) => (heard.current(m), m)),
    active ? [token, taskId, quoteId, opts.round] : null,
  );
  const messages = thread.data;

  // opened: everything in it is seen
  useEffect(() => {
    if (open) setUnseen(new Set());
  }, [open]);

  return { messages, error: thread.error, loading: thread.loading, followed, unseen, open, setOpen, reload: thread.reload };
}
