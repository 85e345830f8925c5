import { type InvalidGroupNameError, type InvalidIdError, InvalidUserRefError } from '../../domain/errors.ts';
import { type ApiProblem, InvalidInputError } from './errors.ts';

/** A problem the domain's rules found (InputProblem, GroupSettingsProblem): its field names where it is. */
interface FieldProblem<F extends string> {
  readonly code: string;
  readonly field: F;
  readonly entry: string;
  readonly message: string;
}

/** The domain's problems placed in the request: `where(field)` is the path of each field (`body.callGroups`). */
export function placed<F extends string>(problems: readonly FieldProblem<F>[], where: (field: F) => string): ApiProblem[] {
  return problems.map(({ code, field, entry, message }) => ({ code, message, entry, path: where(field) }));
}

/** The 400 of input the domain's rules refuse, each problem placed by `where`. */
export function invalidInput<F extends string>(problems: readonly FieldProblem<F>[], where: (field: F) => string): InvalidInputError {
  return new InvalidInputError(placed(problems, where));
}

/** An error of the domain's rules about one value named on its own (a path parameter). */
type ValueError = InvalidUserRefError | InvalidGroupNameError | InvalidIdError;

/** Throws the 400 of path parameters the domain's rules refuse, each placed (`params.domain`), every one reported. */
export function refuseParams(errors: Readonly<Record<string, ValueError | undefined>>): void {
  const problems: ApiProblem[] = Object.entries(errors).flatMap(([name, error]) =>
    error ? [{ code: error.code, message: error.message, entry: error instanceof InvalidUserRefError ? error.value : error.entry, path: `params.${name}` }] : [],
  );
  if (problems.length > 0) throw new InvalidInputError(problems);
}
