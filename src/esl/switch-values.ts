/** How FreeSWITCH reads a yes/no variable (switch_utils.h), for the places that must agree with it. */

const TRUE_WORDS = new Set(['yes', 'on', 'true', 't', 'enabled', 'active', 'allow']);
const FALSE_WORDS = new Set(['no', 'off', 'false', 'f', 'disabled', 'inactive', 'disallow']);

/** switch_utils.h switch_true: a true word, or a number whose integer part is not 0. */
export function switchTrue(text: string): boolean {
  return TRUE_WORDS.has(text.toLowerCase()) || (isSwitchNumber(text) && leadingInteger(text) !== 0);
}

/** switch_utils.h switch_false: a false word, or a number whose integer part is 0. */
export function switchFalse(text: string): boolean {
  return FALSE_WORDS.has(text.toLowerCase()) || (isSwitchNumber(text) && leadingInteger(text) === 0);
}

// switch_is_number: an optional sign, then only digits and dots (nothing at all passes too).
function isSwitchNumber(text: string): boolean {
  return /^[+-]?[0-9.]*$/.test(text);
}

// atoi.
function leadingInteger(text: string): number {
  return Number.parseInt(text, 10) || 0;
}
