// Every operation of the OpenAPI document as a readable list (method, path, what it does), with
// the document itself one link away for tools.
import { api } from '../../api/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Skeleton } from '../../components/Skeleton';
import { useAsync } from '../../hooks/useAsync';
import { openApiOutline } from '../../lib/openapiOutline';

const TAG_TITLES: Record<string, string> = { 'ai-for-hire': 'AI for Hire' };

export function OpenApiOutline() {
  const doc = useAsync((signal) => api.getOpenApi(signal), 'openapi');
  if (doc.error) return <ErrorNotice error={doc.error} title="The OpenAPI document could not be loaded" onRetry={doc.reload} />;
  if (!doc.data) return <Skeleton lines={4} label="Loading the API outline…" />;
  return (
    <div className="stack" data-testid="openapi-outline">
      {openApiOutline(doc.data).map((g) => (
        <details key={g.tag} className="card">
          <summary>
            <strong>{TAG_TITLES[g.tag] ?? g.tag}</strong> <span className="muted small">({g.operations.length})</span>
          </summary>
          <div className="table-scroll">
            <table className="data compact">
              <caption className="sr-only">{TAG_TITLES[g.tag] ?? g.tag} operations</caption>
              <tbody>
                {g.operations.map((op) => (
                  <tr key={`${op.method} ${op.path}`}>
                    <th scope="row" className="nowrap">
                      <code>{op.method}</code>
                    </th>
                    <td>
                      <code className="path">{op.path}</code>
                      {op.summary ? <div className="muted small">{op.summary}</div> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      ))}
    </div>
  );
}
