// Drives examples/web-app in Debian's chromium (never a downloaded browser) through the whole web-app contract:
// dev sign-in, connect Gmail in a popup against the sandbox provider, a forged popup message from another origin
// ignored, connect by full-page redirect (the fragment cleared), the connections listed, one disconnected.
// Run by WebAppBrowserTest; exit code 0 only if every step held. Screenshots go to SCREENSHOTS.
//
// Environment: WEB_APP_URL (the page), USER_ID (who signs in), POPUP_ACCOUNT and REDIRECT_ACCOUNT (sandbox
// accounts typed on the consent page), SCREENSHOTS (a directory), CHROMIUM (default /usr/bin/chromium), CONSOLE_URL
// (the hub's sandbox console, which must then list the redirect account's grant).
import { chromium } from "playwright-core";
import { mkdirSync } from "node:fs";

const env = (name, fallback) => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) {
    throw new Error(`${name} is not set`);
  }
  return value;
};
const webAppUrl = env("WEB_APP_URL");
const userId = env("USER_ID");
const popupAccount = env("POPUP_ACCOUNT");
const redirectAccount = env("REDIRECT_ACCOUNT");
const screenshots = env("SCREENSHOTS");
const FORGED_ORIGIN = "http://forged.invalid";
const TIMEOUT = 15_000;

mkdirSync(screenshots, { recursive: true });
const step = (text) => console.log(`step: ${text}`);
const row = (account) => `#connections-body tr[data-account="${account}"]`;

const browser = await chromium.launch({
  executablePath: env("CHROMIUM", "/usr/bin/chromium"),
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let page;
try {
  const context = await browser.newContext();
  context.setDefaultTimeout(TIMEOUT);
  // Another origin's page that posts a perfectly shaped popup result to whoever opened it.
  await context.route(`${FORGED_ORIGIN}/**`, (route) => route.fulfill({
    contentType: "text/html",
    body: "<!doctype html><title>forged</title><script>window.opener.postMessage("
      + "{type: 'sandbox_gmail', status: 'success', confirmation: 'forgedforgedforgedforged'}, '*');</script>",
  }));
  page = await context.newPage();
  const confirms = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/api/integrations/confirm" && request.method() === "POST") {
      confirms.push(request.url());
    }
  });
  page.on("console", (message) => console.log(`page console: ${message.text()}`));
  page.on("pageerror", (error) => console.log(`page error: ${error.message}`));

  step("open the web app and sign in");
  await page.goto(webAppUrl);
  await page.waitForSelector("body[data-ready=true]");
  await page.fill("#user", userId);
  await page.click("#sign-in");
  await page.waitForFunction((id) => document.getElementById("signed-in-as").textContent === id, userId);
  await page.screenshot({ path: `${screenshots}/1-signed-in.png`, fullPage: true });

  step("connect Gmail in a popup");
  const [popup] = await Promise.all([page.waitForEvent("popup"), page.click("#connect-gmail-popup")]);
  await popup.waitForURL(/\/sandbox\/oauth\/authorize/);
  await popup.fill("input[name=account]", popupAccount);
  await popup.screenshot({ path: `${screenshots}/2-popup-consent.png`, fullPage: true });
  await Promise.all([popup.waitForEvent("close"), popup.click("button[value=allow]")]);
  await page.waitForSelector(`${row(popupAccount)}[data-status=active]`);
  if (confirms.length !== 1) {
    throw new Error(`expected one confirm call after the popup, saw ${confirms.length}`);
  }
  await page.screenshot({ path: `${screenshots}/3-popup-connected.png`, fullPage: true });

  step("a message from another origin is ignored");
  const forged = await Promise.all([page.waitForEvent("popup"),
    page.evaluate((url) => { window.open(url, "_blank"); }, `${FORGED_ORIGIN}/forge.html`)]);
  await page.waitForFunction((origin) => document.getElementById("log").textContent
    .includes(`ignored a message from ${origin}`), FORGED_ORIGIN);
  await forged[0].close();
  await page.waitForTimeout(500);
  const listed = await page.locator("#connections-body tr").count();
  if (confirms.length !== 1 || listed !== 1) {
    throw new Error(`the forged message had an effect: ${confirms.length} confirm calls, ${listed} connections`);
  }

  step("connect Gmail by full-page redirect");
  await page.click("#connect-gmail-redirect");
  await page.waitForURL(/\/sandbox\/oauth\/authorize/);
  await page.fill("input[name=account]", redirectAccount);
  await page.screenshot({ path: `${screenshots}/4-redirect-consent.png`, fullPage: true });
  await page.click("button[value=allow]");
  await page.waitForSelector(`${row(redirectAccount)}[data-status=active]`);
  const address = page.url();
  if (address.includes("#") || address.includes("confirmation") || address.includes("?")) {
    throw new Error(`the flow's result stayed in the address: ${address.replace(/confirmation=[^&]*/, "confirmation=…")}`);
  }
  if (confirms.length !== 2) {
    throw new Error(`expected a second confirm call after the redirect, saw ${confirms.length}`);
  }
  await page.screenshot({ path: `${screenshots}/5-both-connected.png`, fullPage: true });

  step("show a connection's activity");
  await page.click(`${row(redirectAccount)} button.activity`);
  await page.waitForSelector("#activity-list li[data-kind=connected]");
  await page.screenshot({ path: `${screenshots}/6-activity.png`, fullPage: true });

  step("disconnect the popup's connection");
  await page.click(`${row(popupAccount)} button.disconnect`);
  await page.waitForSelector(row(popupAccount), { state: "detached" });
  await page.waitForSelector(`${row(redirectAccount)}[data-status=active]`);
  await page.screenshot({ path: `${screenshots}/7-disconnected.png`, fullPage: true });

  step("the sandbox console lists the grant");
  const sandboxConsole = await context.newPage();
  await sandboxConsole.goto(env("CONSOLE_URL"));
  await sandboxConsole.waitForSelector("h1");
  const consoleText = await sandboxConsole.textContent("body");
  if (!consoleText.includes(redirectAccount)) {
    throw new Error("the sandbox console does not list the redirect account's grant");
  }
  await sandboxConsole.screenshot({ path: `${screenshots}/8-sandbox-console.png`, fullPage: true });
  step("done");
} catch (error) {
  console.error(`FAILED: ${error.stack || error}`);
  if (page) {
    await page.screenshot({ path: `${screenshots}/failure.png`, fullPage: true }).catch(() => {});
  }
  process.exitCode = 1;
} finally {
  await browser.close();
}
