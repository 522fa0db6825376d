// Every error code of the contract with its HTTP status, meaning and what to do (contract/errors.ts).
import { Fragment } from 'react';
import { ERROR_STATUS, type ErrorCode } from '../../../../contract/errors';
import { InlineCode } from '../../components/InlineCode';
import { SERVER_ERROR_ADVICE } from '../../lib/errorAdvice';

const CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

/** upstream_not_configured may break after an underscore on a phone, never inside a word */
function breakable(code: string) {
  const parts = code.split('_');
  return parts.map((part, i) => (
    <Fragment key={i}>
      {i > 0 ? <wbr /> : null}
      <span>{i < parts.length - 1 ? `${part}_` : part}</span>
    </Fragment>
  ));
}

export function ErrorCodesTable() {
  return (
    <div className="table-scroll">
      <table className="data" data-testid="error-codes">
        <caption className="sr-only">Error codes</caption>
        <thead>
          <tr>
            <th scope="col">Code</th>
            <th scope="col" className="num">
              Status
            </th>
            <th scope="col">Meaning</th>
            <th scope="col">What to do</th>
          </tr>
        </thead>
        <tbody>
          {CODES.map((code) => (
            <tr key={code}>
              <th scope="row">
                <code className="code-name">{breakable(code)}</code>
              </th>
              <td className="num">{ERROR_STATUS[code]}</td>
              <td>{SERVER_ERROR_ADVICE[code].meaning}</td>
              <td>
                <InlineCode text={SERVER_ERROR_ADVICE[code].next} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
