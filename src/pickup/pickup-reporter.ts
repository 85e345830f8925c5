import type { Logger } from 'pino';
import type { NodeSwitches } from '../cluster/node-switches.ts';
import { pickupEventHeaders, type PickupCdr, setCdrCommand } from '../esl/pickup-cdr.ts';
import { reasonOf } from '../logger.ts';
import type { PickupRecord, PickupRecordStore } from '../store/pickup-records.ts';
import type { Metrics, PickupFormLabel, PickupResultLabel } from '../telemetry/metrics.ts';

/**
 * Tells everyone but the caller what happened to a pickup request, off the request's path: the metrics, the
 * domain's record stream (pickupctl history), a CUSTOM event `fs_pickup::pickup` on the picker's node for other
 * event-socket consumers, and — for a picked call — the CDR variables on the caller's leg (the picker's own were
 * set over its socket). Nothing here can fail a pickup: problems are logged.
 */
export class PickupReporter {
  private readonly log: Logger;

  constructor(
    private readonly metrics: Metrics,
    private readonly records: PickupRecordStore,
    private readonly switches: NodeSwitches,
    logger: Logger,
  ) {
    this.log = logger.child({ module: 'records' });
  }

  /** A request ended (`record.result`); resolves when everything was tried. Never rejects. */
  async report(record: PickupRecord, label: PickupResultLabel, cdr: PickupCdr | undefined): Promise<void> {
    this.metrics.pickups.inc({ form: formLabel(record.form), result: label });
    await Promise.all([
      record.domain === '' ? undefined : this.attempt('could not append the pickup record', () => this.records.append(record)),
      this.attempt('could not fire the pickup event', () => this.fireEvent(record)),
      record.result === 'picked' && cdr ? this.attempt('could not set the pickup CDR variables on the caller’s leg', () => this.markCaller(record, cdr)) : undefined,
    ]);
  }

  private async fireEvent(record: PickupRecord): Promise<void> {
    const esl = this.switches.connected(record.pickerNode);
    if (!esl) return;
    await esl.sendEvent('CUSTOM', pickupEventHeaders({ ...record, dialled: record.dialled.slice(0, 80) }));
  }

  private async markCaller(record: PickupRecord, cdr: PickupCdr): Promise<void> {
    const command = setCdrCommand(record.callUuid, cdr);
    const esl = this.switches.connected(record.callNode);
    if (command && esl) await esl.api(command);
  }

  private async attempt(what: string, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.log.warn({ reason: reasonOf(error) }, what);
    }
  }
}

function formLabel(form: string): PickupFormLabel {
  switch (form) {
    case 'group':
    case 'extension':
    case 'queue':
      return form;
    case 'my-groups':
      return 'my_groups';
    case 'legacy-group':
      return 'legacy_group';
    default:
      return 'none';
  }
}
