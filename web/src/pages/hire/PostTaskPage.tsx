// Post a task: title, description, optional budget; shows its price and handles 402 answers.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { api } from '../../api/client';
import { toApiError, type ApiError } from '../../api/errors';
import { Field } from '../../components/Field';
import { PaymentProblem } from '../../components/PaymentProblem';
import { useCatalog } from '../../hooks/useCatalog';
import { useDocumentTitle } from '../../hooks/useDocumentTitle';
import { useCreatedToken, usePaymentErrors } from '../../hooks/usePaymentErrors';
import { formatSats, shortToken } from '../../lib/format';
import { checkTask, hasErrors, TEXT_MAX, TITLE_MAX, type TaskInput } from '../../lib/hireValidation';
import { topupHref } from '../../lib/returnTo';
import { loadTaskDraft, saveTaskDraft } from '../../lib/taskDraft';
import { navigate } from '../../router/history';
import { Link } from '../../router/Link';
import { paths } from '../../router/routes';
import { useToken } from '../../state/useToken';

export function PostTaskPage() {
  useDocumentTitle('Post a task');
  const id = useId();
  const { token } = useToken();
  const { data: catalog } = useCatalog();
  const onPaymentError = usePaymentErrors();
  const onCreated = useCreatedToken();
  // the draft survives a detour to the top-up page and a reload of this tab
  const [input, setInput] = useState<TaskInput>(loadTaskDraft);
  useEffect(() => saveTaskDraft(input), [input]);
  const [touched, setTouched] = useState(false);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const price = catalog?.hire.post_task_sats ?? 50;
  const errors = checkTask(input, catalog?.hire.max_price_sats ?? 10_000_000);
  const shown = touched ? errors : {};

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setTouched(true);
    if (hasErrors(errors) || !token) return;
    setSending(true);
    setError(null);
    try {
      const budget = input.budget.trim();
      const task = await api.postTask(token, { title: input.title, description: input.description, ...(budget ? { budget_sats: Number(budget) } : {}) });
      onCreated(task);
      saveTaskDraft({ title: '', description: '', budget: '' });
      navigate(paths.hireTask(task.id));
    } catch (err) {
      const apiError = toApiError(err);
      onPaymentError(apiError);
      setError(apiError);
    } finally {
      setSending(false);
    }
  };

  const set = (key: keyof TaskInput) => (e: { target: { value: string } }) => setInput((i) => ({ ...i, [key]: e.target.value }));

  return (
    <div className="page narrow">
      <h1>Post a task</h1>
      <form className="card stack" onSubmit={(e) => void submit(e)} noValidate data-testid="post-task-form">
        <Field id={`${id}-title`} label="Title" hint={`${input.title.length}/${TITLE_MAX} characters`} error={shown.title}>
          <input value={input.title} maxLength={TITLE_MAX} onChange={set('title')} data-testid="task-title-input" />
        </Field>
        <Field id={`${id}-desc`} label="Description" hint="What should be done, and how you will judge the result." error={shown.description}>
          <textarea rows={8} value={input.description} maxLength={TEXT_MAX} onChange={set('description')} data-testid="task-description-input" />
        </Field>
        <Field id={`${id}-budget`} label="Budget in sats (optional)" hint="A guide for contractors; you pay the quote you accept." error={shown.budget}>
          <input inputMode="numeric" value={input.budget} onChange={set('budget')} data-testid="task-budget-input" />
        </Field>
        <p className="muted" data-testid="post-task-price">
          Posting costs {formatSats(price)}
          {token ? `, paid from ${shortToken(token)}.` : '.'}
        </p>
        {error ? <PaymentProblem error={error} /> : null}
        {token ? (
          <div className="row">
            <button type="submit" className="btn btn-primary" disabled={sending} data-testid="post-task-button">
              {sending ? 'Posting…' : `Post for ${formatSats(price)}`}
            </button>
          </div>
        ) : (
          // Without a token nothing is sent: a post would only create another empty token each time.
          <div className="notice notice-info stack" data-testid="post-needs-token">
            <p>
              Posting needs a token with at least {formatSats(price)}. Top up first: this draft stays here, and the top-up page brings you
              back.
            </p>
            <div className="row">
              <Link to={topupHref(Math.max(price, 100), paths.hireNew)} className="btn btn-primary" data-testid="post-topup-link">
                Top up to post
              </Link>
              <Link to={paths.account}>I have a token</Link>
            </div>
          </div>
        )}
      </form>
    </div>
  );
}
