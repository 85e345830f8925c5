import { FsPickupError } from '../domain/errors.ts';

/** Redis could not be reached or did not answer in time. Pickups fail cleanly; tracking resumes on resync. */
export class StoreUnavailableError extends FsPickupError {
  readonly code = 'FSP_ERR_STORE_UNAVAILABLE';
}

/** A script answered something of the wrong shape: a version mix-up or a bug, never a normal outcome. */
export class StoreReplyError extends FsPickupError {
  readonly code = 'FSP_ERR_STORE_REPLY';
}
