// Where MPP sessions are opened, topped up and closed; every session challenge is bound to it,
// whether a resource's 402 or the session endpoint issued it, so its deposit works at either.
export const SESSION_ENDPOINT = 'POST /api/v1/mpp/session';
