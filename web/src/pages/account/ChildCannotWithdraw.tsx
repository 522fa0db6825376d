// In place of the Withdraw form for a child token: the API refuses it every withdrawal.
export function ChildCannotWithdraw() {
  return (
    <section className="card stack" aria-labelledby="child-withdraw-h" data-testid="collect-child">
      <h2 id="child-withdraw-h">Withdraw</h2>
      <p>A child token cannot withdraw; its parent can.</p>
      <p className="muted">The token that made this one takes back what it holds by revoking it on its own Account page.</p>
    </section>
  );
}
