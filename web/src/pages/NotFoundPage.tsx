// Any path the app does not know.
import { useDocumentTitle } from '../hooks/useDocumentTitle';
import { paths } from '../router/routes';
import { Link } from '../router/Link';

export function NotFoundPage() {
  useDocumentTitle('Not found');
  return (
    <div className="page narrow">
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
      <p>
        <Link to={paths.home}>Home</Link> · <Link to={paths.catalog}>Catalog</Link> · <Link to={paths.hire}>AI for Hire</Link>
      </p>
    </div>
  );
}
