// Shown where an action needs a token and none is in use: where to get or enter one.
import { paths } from '../router/routes';
import { Link } from '../router/Link';

export function NeedToken({ action }: { action: string }) {
  return (
    <div className="notice notice-info" data-testid="need-token">
      <p>
        To {action} you need a prepaid token. <Link to={paths.topup}>Top up</Link> to get one, or{' '}
        <Link to={paths.account}>enter yours</Link>.
      </p>
    </div>
  );
}
