/**
 * How the caller of a ringing call stands, which decides what keeps an intercept from stealing a call answered
 * meanwhile: 'user' — the caller is still unanswered while it rings someone; 'callcenter' — the caller was answered
 * before (a queue member, whom mod_callcenter answers on entry; a caller transferred to the ringing user, or put
 * through an IVR), so only a caller not yet bridged to whom it rings may be taken.
 */
export type CallKind = 'user' | 'callcenter';
