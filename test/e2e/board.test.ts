/**
 * The pickup board in a real browser: headless Chromium (Debian's `chromium`, installed by scripts/install.sh)
 * driven by playwright-core, against the controller process and the simulated FreeSWITCH. Screenshots for people
 * to look at go to test-results/ (git-ignored).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dial, freshDomain, outcomeOf, type PickupBed, setUsers, startPickupBed, untilTracked } from './harness.ts';

const TOKEN = 'board-e2e-Token-7c2d9f41a8';
const SCREENSHOTS = fileURLToPath(new URL('../../test-results/', import.meta.url));
const HOSTILE_NAME = '<img src=x onerror=alert(1)>';

let bed: PickupBed;
let browser: Browser;
let httpUrl: string;

/** Debian's chromium on the PATH (`which chromium`); the test fails, never skips, without it. */
function chromiumPath(): string {
  for (const folder of (process.env.PATH ?? '').split(':')) {
    for (const name of ['chromium', 'chromium-browser']) {
      if (folder && existsSync(join(folder, name))) return join(folder, name);
    }
  }
  throw new Error("chromium not found on the PATH: the board's browser test needs Debian's chromium package (scripts/install.sh installs it; or apt-get install chromium)");
}

beforeAll(async () => {
  const executablePath = chromiumPath();
  bed = await startPickupBed({ env: { FSP_API_TOKEN: TOKEN } });
  httpUrl = await bed.controller.httpUrl();
  browser = await chromium.launch({ executablePath });
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await bed?.close();
});

/** A page that records what would betray a script run from caller text: dialogs, errors, CSP violations. */
async function openPage(context: BrowserContext): Promise<{ page: Page; dialogs: string[]; errors: string[] }> {
  const page = await context.newPage();
  const dialogs: string[] = [];
  const errors: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  return { page, dialogs, errors };
}

/** Opens the board of `domain` with the token in the link, as a wall screen's bookmark would. */
async function openBoard(page: Page, domain: string): Promise<void> {
  await page.goto(`${httpUrl}/board?token=${TOKEN}&domain=${domain}`);
  await page.locator('#status.live').waitFor({ timeout: 5_000 });
}

describe('the pickup board in Chromium', () => {
  it('shows a ringing call within 1 s; once picked up it leaves the ringing list for the last pickups; caller text stays text', async () => {
    const domain = freshDomain();
    await setUsers(bed, domain, { '100': { pickupGroups: ['sales'] }, '200': { callGroups: ['sales'] }, '202': { callGroups: ['support'] } });
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    const { page, dialogs, errors } = await openPage(context);
    await openBoard(page, domain);

    // The token went into an HttpOnly cookie and is gone from the address bar.
    expect(page.url()).toBe(`${httpUrl}/board?domain=${domain}`);
    expect(await context.cookies()).toEqual([expect.objectContaining({ name: 'fsp_board', path: '/board', httpOnly: true, sameSite: 'Strict' })]);
    expect(await page.evaluate(() => document.cookie)).toBe('');

    const started = performance.now();
    const call = await bed.sim.placeCall({ domain, targets: ['200'], callerNumber: '+4930123456', callerName: 'Anna Schmidt' });
    const row = page.locator(`#groups [data-group="sales"] [data-call-uuid="${call.aLeg}"]`);
    await row.waitFor({ state: 'visible', timeout: 1_000 });
    const appearedMs = performance.now() - started;
    console.info(`board: the call was visible ${appearedMs.toFixed(0)} ms after placeCall`);
    expect(appearedMs).toBeLessThan(1_000);
    expect(await row.locator('.caller-number').textContent()).toBe('+4930123456');
    expect(await row.locator('.caller-name').textContent()).toBe('Anna Schmidt');
    expect(await row.locator('.call-where').textContent()).toBe(`→ 200 · ${bed.node}`);
    expect(await page.locator('#groups [data-group="sales"] .lamp.lit').count()).toBe(1);
    expect(await page.locator('#groups [data-group="sales"] .dial').textContent()).toBe('dial 88sales');
    // The ringing time ticks in the browser.
    await page.waitForFunction((uuid) => /^0:0[1-9]$/.test(document.querySelector(`[data-call-uuid="${uuid}"] .timer`)?.textContent ?? ''), call.aLeg, { timeout: 3_000 });

    // A caller name made of HTML is shown as it is: no element, no script, no dialog.
    const hostile = await bed.sim.placeCall({ domain, targets: ['202'], callerNumber: '"><script>alert(2)</script>', callerName: HOSTILE_NAME });
    const hostileRow = page.locator(`#groups [data-call-uuid="${hostile.aLeg}"]`);
    await hostileRow.waitFor({ timeout: 2_000 });
    expect(await hostileRow.locator('.caller-name').textContent()).toBe(HOSTILE_NAME);
    expect(await hostileRow.locator('.caller-number').textContent()).toBe('"><script>alert(2)</script>');
    expect(await page.locator('#groups img, #groups script').count()).toBe(0);

    await untilTracked(bed, call.bLegs);
    const picker = await dial(bed, domain, '100', '88sales');
    expect(await outcomeOf(bed, picker)).toMatchObject({ msg: 'call picked up', callUuid: call.aLeg });
    await row.waitFor({ state: 'detached', timeout: 2_000 });
    const pickup = page.locator(`#pickups [data-call-uuid="${call.aLeg}"]`);
    await pickup.waitFor({ timeout: 2_000 });
    expect(await pickup.locator('.result').textContent()).toBe('picked');
    expect(await pickup.locator('.pickup-what').textContent()).toBe('100 → group sales');
    expect(await pickup.locator('.pickup-caller').textContent()).toBe('+4930123456 Anna Schmidt');
    expect(await pickup.locator('.pickup-route').textContent()).toBe(`${bed.node} → ${bed.node}`);
    expect(await pickup.locator('.pickup-speed').textContent()).toMatch(/^decision \d+\.\d+ ms · pickup \d+\.\d+ ms$/);
    expect(await page.locator('#groups [data-group="sales"]').count()).toBe(0);
    expect(await page.locator('#quiet-groups [data-group="sales"]').count()).toBe(1);

    await page.screenshot({ path: join(SCREENSHOTS, 'board.png'), fullPage: true, animations: 'disabled' });
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    const onPhone = await openPage(phone);
    await openBoard(onPhone.page, domain);
    await onPhone.page.locator(`#groups [data-call-uuid="${hostile.aLeg}"]`).waitFor();
    await onPhone.page.locator(`#pickups [data-call-uuid="${call.aLeg}"]`).waitFor();
    // One column, nothing wider than the screen.
    expect(await onPhone.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await onPhone.page.screenshot({ path: join(SCREENSHOTS, 'board-phone.png'), fullPage: true, animations: 'disabled' });

    expect(dialogs).toEqual([]);
    expect([...errors, ...onPhone.errors]).toEqual([]);
    await bed.sim.hangup(picker);
    await bed.sim.hangup(hostile.aLeg);
    await phone.close();
    await context.close();
  });

  it('without the token: 401/403 like the API, and a sign-in form that keeps the token out of the address bar', async () => {
    for (const path of ['/board', '/board/domains', '/board/events?domain=pbx.test']) {
      expect((await fetch(`${httpUrl}${path}`)).status, path).toBe(401);
      expect((await fetch(`${httpUrl}${path}`, { headers: { authorization: 'Bearer not-the-token-at-all' } })).status, path).toBe(403);
    }
    const domain = freshDomain();
    await setUsers(bed, domain, { '200': { callGroups: ['sales'] } });
    const context = await browser.newContext();
    const { page, errors } = await openPage(context);
    const signIn = await page.goto(`${httpUrl}/board?domain=${domain}`);
    expect(signIn?.status()).toBe(401);
    expect(signIn?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.fill('#token', 'not-the-token-at-all');
    await page.click('button[type=submit]');
    expect(await page.locator('.notice').textContent()).toContain('not the controller’s API token');
    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');
    await page.locator('#status.live').waitFor({ timeout: 5_000 });
    expect(page.url()).toBe(`${httpUrl}/board?domain=${domain}`);
    // The sign-in page's own failures (401, 403) are the only errors the browser reports.
    expect(errors.filter((error) => !/status of 40[13]/.test(error))).toEqual([]);
    await context.close();
  });

  it('an unknown domain: the board says so and offers the known ones', async () => {
    const known = freshDomain();
    await setUsers(bed, known, { '200': { callGroups: ['sales'] } });
    const context = await browser.newContext();
    const { page } = await openPage(context);
    await page.goto(`${httpUrl}/board?token=${TOKEN}&domain=nobody-here.test`);
    await page.locator('#notice').getByText('Unknown domain “nobody-here.test”').waitFor({ timeout: 5_000 });
    expect(await page.locator(`#domain option[value="${known}"]`).count()).toBe(1);
    await page.selectOption('#domain', known);
    await page.locator('#status.live').waitFor({ timeout: 5_000 });
    expect(page.url()).toBe(`${httpUrl}/board?domain=${known}`);
    await context.close();
  });

  it('SIGTERM with a board open: the stream ends and the controller exits 0 promptly', async () => {
    const domain = freshDomain();
    await setUsers(bed, domain, { '200': { callGroups: ['sales'] } });
    const context = await browser.newContext();
    const { page } = await openPage(context);
    await openBoard(page, domain);
    const stream = await fetch(`${httpUrl}/board/events?domain=${domain}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(stream.status).toBe(200);
    const body = stream.text();
    const stopping = performance.now();
    expect(await bed.controller.stop()).toBe(0);
    expect(performance.now() - stopping).toBeLessThan(3_000);
    expect(await body).toMatch(/^retry: \d+\n\nevent: snapshot\n/);
    await page.locator('#status.down').waitFor({ timeout: 5_000 });
    await context.close();
  });

  it('the controller never logged the token', () => {
    expect(JSON.stringify(bed.controller.logs) + bed.controller.stderr.join('')).not.toContain(TOKEN);
  });
});
