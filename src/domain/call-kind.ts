/**
 * How the caller of a ringing call stands, which decides what keeps an intercept from stealing a call answered
 * meanwhile: 'user' — the caller is still unanswered while it rings someone; 'callcenter' — a queue member, whom
 * mod_callcenter answered on entry, so only a member not yet bridged to an agent may be taken.
 */
export type CallKind = 'user' | 'callcenter';
