// The web app's part of the Integration Hub contract (../../../shared/DESIGN.md), in plain JavaScript:
//   sign in (a stand-in), connect in a popup or by full-page redirect, redeem the confirmation code,
//   list the connections with their live status, act with them, disconnect.
// Every call goes to the hub with the user's bearer token; the hub never hands this page a provider token.
"use strict";

const config = window.HUB_WEB_APP_CONFIG;
const HUB = new URL(config.hubUrl);
// Popup results are accepted from this origin only: the hub's callback page posts them.
const HUB_ORIGIN = HUB.origin;
const TYPES = { gmail: "gmail", drive: "google_drive", telegram: "telegram", ...config.integrationTypes };
const TOKEN_KEY = "integration-hub-example.token";
// A confirmation code as the hub makes them (URL-safe base64); anything else is not a popup result.
const CONFIRMATION = /^[A-Za-z0-9_-]{16,200}$/;

const $ = (id) => document.getElementById(id);

// --- Sign-in stand-in -----------------------------------------------------------------------------------------
// A real web app gets the user's token from the platform's identity provider. The token is kept in
// sessionStorage only so that it survives the full-page redirect of a connect flow.

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

function userOf(jwt) {
  try {
    const payload = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(payload)).sub || "?";
  } catch {
    return "?";
  }
}

function signedIn(jwt) {
  if (jwt) {
    sessionStorage.setItem(TOKEN_KEY, jwt);
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
  }
  $("signed-in-as").textContent = jwt ? userOf(jwt) : "nobody";
  refreshConnections();
}

// Dev mode only: the hub's sandbox mints a dev token for a user name (404 on any other hub).
async function devSignIn(event) {
  event.preventDefault();
  try {
    const answer = await hub("POST", "/sandbox/dev-token", { json: { user: $("user").value }, anonymous: true });
    signedIn(answer.access_token);
    log(`signed in as ${userOf(answer.access_token)}`);
  } catch (e) {
    notify(e.status === 404 ? "This hub has no dev sign-in: paste a bearer token." : e.message, true);
  }
}

function useToken(event) {
  event.preventDefault();
  signedIn($("token-paste").value.trim());
  $("token-paste").value = "";
}

// --- Calls to the hub -----------------------------------------------------------------------------------------

class HubError extends Error {
  constructor(status, problem) {
    super(problem && (problem.detail || problem.title) ? `${problem.code || status}: ${problem.detail || problem.title}`
      : `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

// One call; errors are RFC 9457 problems (application/problem+json) with a stable "code".
async function hub(method, path, { json, form, headers = {}, anonymous = false } = {}) {
  const init = { method, headers: { ...headers } };
  if (!anonymous) {
    if (!token()) {
      throw new HubError(401, { code: "unauthorized", detail: "sign in first" });
    }
    init.headers.Authorization = `Bearer ${token()}`;
  }
  if (json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (form !== undefined) {
    init.body = form; // multipart: the browser sets Content-Type with its boundary
  }
  const response = await fetch(new URL(path, HUB), init);
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401 && !anonymous) {
      notify("Your sign-in is missing or expired: sign in again.", true);
    }
    throw new HubError(response.status, body);
  }
  return body;
}

// An Idempotency-Key per user action: a retried request then never sends twice.
function idempotencyKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// --- Connecting -----------------------------------------------------------------------------------------------

// Where the hub sends the browser back after a redirect flow: this page. The hub accepts only paths on its
// allowlist (hub.flow.return-to-allowlist), without a trailing slash.
function returnTo() {
  return location.pathname.replace(/\/+$/, "") || "/";
}

function connect(integrationType, display) {
  return hub("POST", "/api/integrations/connect",
    { json: { integration_type: integrationType, display, return_to: returnTo() } });
}

// The popup flow. The window is opened at once, in the click handler, so that no popup blocker stops it; it goes to
// the hub's oauth_url when the hub answered. The hub's last page posts {type, status, confirmation} to this page.
let pendingPopup = null;

async function connectInPopup(integrationType) {
  const popup = window.open("about:blank", "integration-hub-connect", "popup,width=520,height=700");
  if (!popup) {
    notify("The browser blocked the popup: allow popups, or connect by redirect.", true);
    return;
  }
  try {
    const { oauth_url } = await connect(integrationType, "popup");
    pendingPopup = { window: popup, integrationType };
    popup.location.href = oauth_url;
    log(`popup opened for ${integrationType}`);
  } catch (e) {
    popup.close();
    notify(e.message, true);
  }
}

// A popup result is trusted only if it comes from the hub's exact origin, from the popup this page opened, and has
// the expected shape. Any other page can post messages to this window.
function onMessage(event) {
  if (event.origin !== HUB_ORIGIN) {
    log(`ignored a message from ${event.origin}: not the hub`);
    return;
  }
  if (!pendingPopup || event.source !== pendingPopup.window) {
    log("ignored a message from the hub's origin: not from the popup this page opened");
    return;
  }
  const result = event.data;
  const expected = pendingPopup.integrationType;
  if (!result || typeof result !== "object" || result.type !== expected) {
    log("ignored a message from the popup: not a connect result");
    return;
  }
  pendingPopup = null;
  if (result.status === "success" && typeof result.confirmation === "string" && CONFIRMATION.test(result.confirmation)) {
    confirm(result.confirmation, result.type);
  } else if (result.status === "success" && typeof result.connection_id === "string") {
    // A hub with hub.flow.require-confirmation=false connected it already.
    notify(`${result.type} connected.`);
    refreshConnections();
  } else if (result.status === "error") {
    showFlowError(result.type, String(result.error), Array.isArray(result.missing_scope) ? result.missing_scope : []);
  } else {
    log("ignored a message from the popup: not a connect result");
  }
}

// The full-page redirect flow: the browser leaves this page and comes back to returnTo() with
// ?success=<type>#confirmation=<code> or ?error=<code>[&missing_scope=...].
async function connectByRedirect(integrationType) {
  try {
    const { oauth_url } = await connect(integrationType, "redirect");
    location.assign(oauth_url);
  } catch (e) {
    notify(e.message, true);
  }
}

// On load: take a redirect flow's result out of the address. The fragment never reached any server; it is removed
// at once (history.replaceState) so that it stays out of the history, bookmarks and later Referer headers.
function takeRedirectResult() {
  const query = new URLSearchParams(location.search);
  const fragment = new URLSearchParams(location.hash.slice(1));
  const success = query.get("success");
  const error = query.get("error");
  const confirmation = fragment.get("confirmation");
  if (!success && !error && !confirmation) {
    return;
  }
  history.replaceState(null, "", location.pathname);
  if (error) {
    showFlowError(success || "the account", error, (query.get("missing_scope") || "").split(" ").filter(Boolean));
  } else if (confirmation && CONFIRMATION.test(confirmation)) {
    confirm(confirmation, success);
  } else {
    notify(`${success} connected.`);
  }
}

// The one step that makes the grant a connection: only the user who started the flow can redeem the code (another
// user's token gets 404 and the grant is revoked), so a connect link sent to someone else attaches nothing.
async function confirm(confirmation, integrationType) {
  try {
    const connection = await hub("POST", "/api/integrations/confirm", { json: { confirmation } });
    notify(`${connection.integration_type} connected: ${connection.account}.`);
    log(`confirmed ${connection.integration_type} ${connection.account}`);
  } catch (e) {
    notify(`Could not finish connecting ${integrationType}: ${e.message}`, true);
  }
  refreshConnections();
}

function showFlowError(integrationType, error, missingScopes) {
  const missing = missingScopes.length ? ` Missing permission: ${missingScopes.join(", ")}.` : "";
  notify(`Connecting ${integrationType} failed (${error}).${missing}`, true);
}

// Telegram has no OAuth: the hub answers a t.me deep link; the user presses Start in Telegram, the hub's bot binds
// the chat, and the connection shows up in the list (polled).
async function connectTelegram() {
  try {
    const { oauth_url } = await connect(TYPES.telegram, "redirect");
    $("telegram-link").href = oauth_url;
    $("telegram-link-line").hidden = false;
    window.open(oauth_url, "_blank", "noopener,noreferrer");
  } catch (e) {
    notify(e.message, true);
  }
}

// --- Connections ----------------------------------------------------------------------------------------------

let connections = [];

async function refreshConnections() {
  if (!token()) {
    render([]);
    return;
  }
  try {
    render(await hub("GET", "/api/integrations"));
  } catch (e) {
    log(`listing failed: ${e.message}`);
  }
}

// Rows keep stable ids (connection-<id>) and data attributes, so tests and styles can find them.
function render(list) {
  connections = list;
  const body = $("connections-body");
  body.replaceChildren(...list.map((c) => {
    const row = document.createElement("tr");
    row.id = `connection-${c.id}`;
    row.dataset.integrationType = c.integration_type;
    row.dataset.account = c.account || "";
    row.dataset.status = c.status;
    const cells = [c.integration_type, c.account, c.status, when(c.expires_at), when(c.last_refreshed_at)];
    for (const text of cells) {
      const cell = document.createElement("td");
      cell.textContent = text; // textContent, never innerHTML: account names come from outside
      row.append(cell);
    }
    row.children[2].className = `status status-${c.status}`;
    const disconnect = document.createElement("button");
    disconnect.type = "button";
    disconnect.className = "disconnect";
    disconnect.textContent = "Disconnect";
    disconnect.addEventListener("click", () => disconnectConnection(c));
    const showActivity = document.createElement("button");
    showActivity.type = "button";
    showActivity.className = "activity";
    showActivity.textContent = "Activity";
    showActivity.addEventListener("click", () => openActivity(c));
    const actions = document.createElement("td");
    actions.append(showActivity, " ", disconnect);
    row.append(actions);
    return row;
  }));
  $("connections-empty").hidden = list.length > 0;
  fillChoices("mail-connection", TYPES.gmail);
  fillChoices("upload-connection", TYPES.drive);
  fillChoices("telegram-connection", TYPES.telegram);
}

function when(instant) {
  return instant ? new Date(instant).toLocaleTimeString() : "";
}

// The action forms name the connection to use (connection_id); with one connection of a type the hub would pick it.
function fillChoices(selectId, integrationType) {
  const select = $(selectId);
  const chosen = select.value;
  select.replaceChildren(...connections.filter((c) => c.integration_type === integrationType && c.status !== "revoked")
    .map((c) => new Option(c.account, c.id, false, c.id === chosen)));
}

async function disconnectConnection(connection) {
  try {
    await hub("DELETE", `/api/integrations/${encodeURIComponent(connection.id)}`);
    notify(`${connection.integration_type} ${connection.account} disconnected.`);
    log(`disconnected ${connection.integration_type} ${connection.account}`);
  } catch (e) {
    notify(e.message, true);
  }
  refreshConnections();
}

// --- Activity: who used a connection, when, for what -----------------------------------------------------------

// The connection whose activity is shown, and the cursor of its next (older) page; null on the last page.
let activity = { connection: null, cursor: null };

async function openActivity(connection) {
  activity = { connection, cursor: null };
  $("activity-section").hidden = false;
  $("activity-of").textContent = `${connection.integration_type} ${connection.account}`;
  $("activity-mail-details-line").hidden = connection.integration_type !== TYPES.gmail;
  $("activity-show-mail-details").checked = connection.metadata?.show_mail_details === true;
  $("activity-list").replaceChildren();
  $("activity-more").hidden = true;
  await moreActivity();
}

// GET /api/integrations/{id}/activity?cursor=&limit=: pass next_cursor back unchanged for the next page.
async function moreActivity() {
  const shown = activity;
  const query = new URLSearchParams({ limit: "20" });
  if (shown.cursor) {
    query.set("cursor", shown.cursor);
  }
  try {
    const page = await hub("GET", `/api/integrations/${encodeURIComponent(shown.connection.id)}/activity?${query}`);
    if (activity !== shown) {
      return; // another connection was chosen meanwhile
    }
    $("activity-list").append(...page.entries.map(activityItem));
    activity.cursor = page.next_cursor;
    $("activity-more").hidden = !page.next_cursor;
  } catch (e) {
    notify(e.message, true);
  }
}

function activityItem(entry) {
  const item = document.createElement("li");
  item.dataset.kind = entry.kind;
  item.textContent = `${new Date(entry.at).toLocaleString()} ${entry.summary} (${entry.actor})`;
  return item;
}

// The person's choice, kept in the connection's metadata: show sent mails' recipients and subject, or only count them.
async function setMailDetails(event) {
  const connection = activity.connection;
  try {
    await hub("PATCH", `/api/integrations/${encodeURIComponent(connection.id)}`,
      { json: { metadata: { show_mail_details: event.target.checked } } });
    notify(`Activity of ${connection.account} ${event.target.checked ? "shows" : "hides"} mail recipients and subjects.`);
  } catch (e) {
    event.target.checked = !event.target.checked;
    notify(e.message, true);
  }
  refreshConnections();
}

// --- Acting with a connection ---------------------------------------------------------------------------------

async function sendMail(event) {
  event.preventDefault();
  await act("mail-result", () => hub("POST", "/api/integrations/gmail/send", {
    headers: { "Idempotency-Key": idempotencyKey() },
    json: {
      connection_id: $("mail-connection").value || undefined,
      to: [$("mail-to").value],
      subject: $("mail-subject").value,
      text: $("mail-text").value,
    },
  }), (sent) => `sent: message ${sent.message_id}`);
}

async function uploadFile(event) {
  event.preventDefault();
  const form = new FormData();
  form.append("file", $("upload-file").files[0]);
  if ($("upload-connection").value) {
    form.append("connection_id", $("upload-connection").value);
  }
  await act("upload-result", () => hub("POST", "/api/integrations/google_drive/files", { form }),
    (file) => `uploaded: ${file.name} (${file.size} bytes) ${file.web_view_link || ""}`);
}

async function sendTelegram(event) {
  event.preventDefault();
  await act("telegram-result", () => hub("POST", "/api/integrations/telegram/send", {
    headers: { "Idempotency-Key": idempotencyKey() },
    json: { connection_id: $("telegram-connection").value || undefined, text: $("telegram-text").value },
  }), (sent) => `sent: message ${sent.message_id}`);
}

async function act(outputId, call, describe) {
  const output = $(outputId);
  output.textContent = "…";
  output.classList.remove("error");
  try {
    output.textContent = describe(await call());
  } catch (e) {
    output.textContent = e.message;
    output.classList.add("error");
  }
  refreshConnections();
}

// --- Page -----------------------------------------------------------------------------------------------------

function notify(text, isError = false) {
  $("notice").textContent = text;
  $("notice").className = isError ? "error" : "";
  log(text);
}

// Never logs a token or code: only what happened.
function log(text) {
  const item = document.createElement("li");
  item.textContent = `${new Date().toLocaleTimeString()} ${text}`;
  $("log").prepend(item);
}

function start() {
  $("hub-url").textContent = HUB.href;
  window.addEventListener("message", onMessage);
  $("sign-in-form").addEventListener("submit", devSignIn);
  $("token-form").addEventListener("submit", useToken);
  $("sign-out").addEventListener("click", () => signedIn(null));
  $("connect-gmail-popup").addEventListener("click", () => connectInPopup(TYPES.gmail));
  $("connect-gmail-redirect").addEventListener("click", () => connectByRedirect(TYPES.gmail));
  $("connect-drive-popup").addEventListener("click", () => connectInPopup(TYPES.drive));
  $("connect-telegram").addEventListener("click", connectTelegram);
  $("mail-form").addEventListener("submit", sendMail);
  $("upload-form").addEventListener("submit", uploadFile);
  $("telegram-form").addEventListener("submit", sendTelegram);
  $("activity-more").addEventListener("click", moreActivity);
  $("activity-show-mail-details").addEventListener("change", setMailDetails);
  $("signed-in-as").textContent = token() ? userOf(token()) : "nobody";
  takeRedirectResult();
  refreshConnections();
  setInterval(refreshConnections, (config.pollSeconds || 5) * 1000);
  document.body.dataset.ready = "true";
}

start();
