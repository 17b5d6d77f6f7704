// Superfone rings one call per agent at a time: a START for another customer while the
// agent's call is on is refused upstream (`agent_busy`). Every caller (a page's controls,
// the extension's worker) asks first, and so says whom the agent is busy with instead.

/** The agent's call that stands in the way of calling `customerNumber`: the one on now, when it is with someone else. */
export function callInTheWay<Call extends { customerNumber: string }>(onNow: Call | null | undefined, customerNumber: string): Call | null {
  return onNow && onNow.customerNumber !== customerNumber ? onNow : null;
}
