// The task being written on "Post a task", kept in this tab's sessionStorage so that a detour to
// the top-up page (or a reload) does not lose it; cleared once the task is posted.
import type { TaskInput } from './hireValidation';

export const TASK_DRAFT_KEY = 'abl.hire.draft';
const EMPTY: TaskInput = { title: '', description: '', budget: '' };

export function parseTaskDraft(text: string | null): TaskInput {
  if (!text) return EMPTY;
  try {
    const v = JSON.parse(text) as Partial<Record<keyof TaskInput, unknown>>;
    const str = (x: unknown): string => (typeof x === 'string' ? x : '');
    return { title: str(v.title), description: str(v.description), budget: str(v.budget) };
  } catch {
    return EMPTY;
  }
}

export function loadTaskDraft(): TaskInput {
  try {
    return parseTaskDraft(window.sessionStorage.getItem(TASK_DRAFT_KEY));
  } catch {
    return EMPTY;
  }
}

export function saveTaskDraft(input: TaskInput): void {
  try {
    if (!input.title && !input.description && !input.budget) window.sessionStorage.removeItem(TASK_DRAFT_KEY);
    else window.sessionStorage.setItem(TASK_DRAFT_KEY, JSON.stringify(input));
  } catch {
    // storage full or blocked: the draft lives only in the page
  }
}
